/**
 * Pieces shared by the parameter documents that verifiers publish for the kinds (schemes, challenges,
 * shape sets, …): document ids, periods and one error format, so that every document is checked the same
 * way and names its bad field.
 */
import { z } from 'zod';
import { dayOf, isoDay } from './time.js';

export const DocumentIdSchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1-64 characters from A-Z a-z 0-9 . _ -');

/** The head every published parameter document starts with: its format, an id, and text for people. */
export function publishedDocumentHead<F extends string>(format: F) {
  return {
    format: z.literal(format),
    id: DocumentIdSchema,
    name: z.string().min(1),
    publisher: z.string().min(1).optional(),
    description: z.string().optional(),
  };
}

/** Cross-field checks run once the fields themselves are valid, so they never see malformed input. */
export const FIELDS_VALID = { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };

const succeeds = (check: () => unknown) => {
  try {
    check();
    return true;
  } catch {
    return false;
  }
};

/** A period as documents name it: first UTC day and number of days (the result file's own form). */
export const PeriodSchema = z.strictObject({
  start: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
    .refine((d) => succeeds(() => dayOf(d)), 'no such day'),
  days: z.number().int().min(1).max(366),
});
export type PeriodJson = z.infer<typeof PeriodSchema>;

/** "path: message; …" for a failed parse. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** Parses a document with its schema; the error names the document (`what`) and every bad field. */
export function parseDocument<T extends z.ZodType>(schema: T, json: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(`invalid ${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Refuses a document made for another period than the statement's (a challenge, a set made for one period). */
export function assertSamePeriod(doc: PeriodJson, p: { startDay: number; days: number }, what: string): void {
  if (doc.start !== isoDay(p.startDay) || doc.days !== p.days) {
    throw new Error(`${what} is for ${doc.start} + ${doc.days} day(s), not for the statement's period ${isoDay(p.startDay)} + ${p.days} day(s)`);
  }
}
