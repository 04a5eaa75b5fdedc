/**
 * The verifier API's roles, apart from the rest of the service port (kinds/service.ts, which re-exports them)
 * so that the command line names them in its help without loading the schema library.
 */

/** operator: runs the service itself (adds circuits' keys while it runs); reads no results. */
export const ROLES = ['registrar', 'supplier', 'grid', 'scheme', 'service', 'auditor', 'operator'] as const;
export type Role = (typeof ROLES)[number];
