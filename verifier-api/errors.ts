/** Every refusal of the API is an ApiError (core/api-error.ts); here, the status of each verifier rejection. */
import type { RejectionCode } from '../prover/verify.js';

export { ApiError } from '../core/api-error.js';

/**
 * HTTP status of each prover/verify.ts rejection code: encoding problems of the request are 400, a proof or
 * statement that is well-formed but wrong is 422.
 */
export const REJECTION_STATUS: Record<RejectionCode, number> = {
  malformed: 400,
  signal_count: 400,
  non_canonical_signal: 400,
  unknown_circuit: 422,
  bad_proof_point: 422,
  statement_mismatch: 422,
  output_mismatch: 422,
  proof_invalid: 422,
  document_unknown: 422,
  document_mismatch: 422,
};
