/**
 * What the API can answer is what /openapi.json says, read from the source rather than from the requests
 * a test happens to make: every error code the code can emit (an ApiError with a literal code anywhere
 * the API runs, the certifier's rejections, every prover/verify.ts rejection) is among the documented
 * codes, and every query parameter a route reads is a documented parameter of that operation.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../core/paths.js';
import { REJECTION_STATUS } from '../../verifier-api/errors.js';
import { KIND_ROUTES } from '../../verifier-api/kind-routes.js';
import { ERROR_CODES, openApiDocument } from '../../verifier-api/openapi.js';

const doc = openApiDocument() as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> };

/** The TypeScript sources the API runs (tests aside). */
function sources(...dirs: string[]): { file: string; text: string }[] {
  return dirs.flatMap((d) =>
    readdirSync(join(REPO_ROOT, d), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
      .map((f) => ({ file: relative(REPO_ROOT, join(REPO_ROOT, d, f)), text: readFileSync(join(REPO_ROOT, d, f), 'utf8') })),
  );
}

test('every error code the API can emit is documented', () => {
  const emitted = new Map<string, string>();
  for (const { file, text } of sources('verifier-api', 'kinds', 'core', 'prover')) {
    for (const m of text.matchAll(/\bApiError\(\s*[^,()]+,\s*'([a-z_]+)'/g)) emitted.set(m[1], file);
    for (const m of text.matchAll(/\b(?:statementError|reject)\(\s*'([a-z_]+)'/g)) emitted.set(m[1], file);
  }
  for (const code of Object.keys(REJECTION_STATUS)) emitted.set(code, 'verifier-api/errors.ts (a prover/verify.ts rejection)');
  assert.ok(emitted.size > 40, `the scan finds the codes (${emitted.size})`);
  const undocumented = [...emitted].filter(([code]) => !ERROR_CODES.includes(code)).map(([code, file]) => `${code} (${file})`);
  assert.deepEqual(undocumented, []);
});

/** Query parameters a handler's source reads; periodQuery reads period and days. */
function queryNames(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/queryText\(req,\s*'(\w+)'\)|req\.query\.(\w+)|\bq\.(days|period)\b|req\.query\('(\w+)'\)/g)) names.add(m[1] ?? m[2] ?? m[3] ?? m[4]);
  if (/periodQuery\(|req\.period\(\)/.test(text)) ['period', 'days'].forEach((n) => names.add(n));
  return [...names];
}

const documentedQuery = (path: string, method: string): string[] => (doc.paths[path]?.[method]?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);

test('every query parameter a route reads is documented for that operation', () => {
  const read: { route: string; names: string[] }[] = [];
  // the API's own routes: each registration up to the next one, or to middleware (app.use: the page's
  // static files, not an API operation)
  for (const { file, text } of sources('verifier-api')) {
    const registrations = [...text.matchAll(/app\.(get|post|put|patch|delete|use)\(\s*(?:'([^']+)')?/g)];
    registrations.forEach((m, i) => {
      if (m[1] === 'use' || !m[2]) return;
      const block = text.slice(m.index, registrations[i + 1]?.index ?? text.length);
      read.push({ route: `${m[1]} ${m[2]} (${file})`, names: queryNames(block) });
    });
  }
  // the kinds' routes
  for (const r of KIND_ROUTES) read.push({ route: `${r.method} ${r.path} (kind route)`, names: queryNames(r.handle.toString()) });
  assert.ok(read.some((r) => r.names.includes('documents')), 'the scan sees the evidence route read ?documents=');
  const missing: string[] = [];
  for (const { route, names } of read) {
    const [method, path] = route.split(' ');
    const template = path.replace(/:([A-Za-z]+)/g, '{$1}');
    if (!doc.paths[template]?.[method]) {
      missing.push(`${route}: not documented at all`);
      continue;
    }
    for (const n of names) if (!documentedQuery(template, method).includes(n)) missing.push(`${route}: ?${n}=`);
  }
  assert.deepEqual(missing, []);
});
