/**
 * Helpers the route modules share (app.ts, kind-routes.ts, household.ts): request validation with the
 * API's error codes, days and periods from requests, and async handlers whose rejections reach the error
 * handler.
 */
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { dayOf } from '../core/time.js';
import { ApiError } from './errors.js';

/** shared with the kinds' routes (kinds/service.ts) */
export { DATE, ID, METER_ID } from '../kinds/service.js';
export const FIELD_DECIMAL = z.string().regex(/^(0|[1-9]\d{0,76})$/, 'expected a canonical decimal field element');

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(400, 'invalid_request', `invalid request body: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export function day(s: string, what: string): number {
  try {
    return dayOf(s);
  } catch (e) {
    throw new ApiError(400, 'invalid_request', `${what}: ${(e as Error).message}`);
  }
}

/** An optional query parameter given at most once. */
export function queryText(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new ApiError(400, 'invalid_request', `"${name}" must be given once`);
  return v;
}

/**
 * Nesting depth of a parsed JSON value, counted without recursion, or `max + 1` as soon as it goes deeper.
 * Results and documents nest a few levels; a body nested thousands deep would overflow the stack of
 * JSON.stringify and every recursive walk after the parser, so bodies deeper than MAX_JSON_DEPTH are
 * refused before any handler sees them.
 */
export function jsonDepth(value: unknown, max: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > deepest) deepest = d + 1;
    if (deepest > max) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
  }
  return deepest;
}

export const MAX_JSON_DEPTH = 64;

/** `period=YYYY-MM-DD` with `days=N` (default 1), or `period=YYYY-MM-DD/N`. */
export function periodQuery(req: Request, required = true): { startDay: number; days: number } | undefined {
  const raw = req.query.period;
  if (raw === undefined) {
    if (required) throw new ApiError(400, 'invalid_request', 'query parameter "period" (YYYY-MM-DD or YYYY-MM-DD/days) is required');
    return undefined;
  }
  if (typeof raw !== 'string') throw new ApiError(400, 'invalid_request', '"period" must be given once');
  const m = /^(\d{4}-\d{2}-\d{2})(?:\/(\d{1,3}))?$/.exec(raw);
  if (!m) throw new ApiError(400, 'invalid_request', `"period" must be YYYY-MM-DD or YYYY-MM-DD/days, got "${raw}"`);
  const daysText = m[2] ?? queryText(req, 'days') ?? '1';
  if (!/^[1-9]\d{0,2}$/.test(daysText)) throw new ApiError(400, 'invalid_request', '"days" must be a whole number from 1 to 999');
  return { startDay: day(m[1], 'period'), days: Number(daysText) };
}

/** Choices in a message: "a", "a or b", "a, b or c". */
export const alternatives = (xs: readonly string[]) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`);

/** An async route handler: a rejection goes to the error handler. */
export const wrap = (fn: (req: Request, res: Response) => Promise<void> | void) => (req: Request, res: Response, next: NextFunction) => {
  Promise.resolve()
    .then(() => fn(req, res))
    .catch(next);
};

/** An async middleware: continues on success, goes to the error handler on rejection. */
export const middleware = (fn: (req: Request, res: Response) => Promise<void> | void) => (req: Request, res: Response, next: NextFunction) => {
  Promise.resolve()
    .then(() => fn(req, res))
    .then(() => next(), next);
};
