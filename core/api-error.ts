/**
 * A refusal with an HTTP status, a stable machine-readable `code` (documented in docs/verifier-api.md and
 * the OpenAPI document) and a human message naming the failing check. The verifier API answers every
 * refusal with one; kinds throw them from their statement bindings (kinds/service.ts).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  toJSON(): Record<string, unknown> {
    return { error: { code: this.code, message: this.message, ...(this.details ?? {}) } };
  }
}
