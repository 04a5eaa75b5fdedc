/**
 * Every refusal of the API is an ApiError: an HTTP status, a stable machine-readable `code` (documented in
 * docs/verifier-api.md and the OpenAPI document) and a human message naming the failing check.
 */
import type { RejectionCode } from '../prover/verify.js';

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
};
