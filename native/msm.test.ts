/**
 * The native prover's multi-exponentiation (native/src/msm.hpp) against an independent library: Σ sᵢ·(kᵢ·G) by
 * build/native/msm-check (the prover's MSM code, in G1 and G2) equals (Σ sᵢ·kᵢ)·G by ffjavascript. The inputs
 * aim at the bucket additions' special cases — a point added to a bucket holding the same point (a doubling) or
 * its negation (p = −q), one bucket hit by every point (the waiting room and its Jacobian side sums), scalars
 * 0, 1 and r − 1 — besides random ones several batches long (the eight-lane additions' padding and chains).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildBn128 } from 'ffjavascript';
import { NATIVE_BUILD_DIR } from './native-prover.js';

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const CHECK = join(NATIVE_BUILD_DIR, 'msm-check');
const skip = existsSync(CHECK) || process.env.CI === 'true' ? false : 'build/native/msm-check not built — run: node native/build.mjs --strict';

const random = () => BigInt('0x' + randomBytes(32).toString('hex')) % R;

describe('native multi-exponentiation (msm-check against ffjavascript)', { skip }, () => {
  let bn: any;
  before(async () => {
    assert.ok(existsSync(CHECK), `${CHECK} missing under CI (node native/build.mjs --strict builds it)`);
    bn = await buildBn128(true);
  });
  after(async () => {
    await bn?.terminate();
  });

  function check(terms: [bigint, bigint][]): void {
    const r = spawnSync(CHECK, { input: terms.map(([k, s]) => `${k} ${s}`).join('\n'), encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const [g1Line, g2Line] = r.stdout.trim().split('\n');
    const total = terms.reduce((acc, [k, s]) => (acc + k * s) % R, 0n);
    const affine = (c: any, p: any) => (c.isZero(p) ? null : c.toObject(c.toAffine(p)));
    const g1 = affine(bn.G1, bn.G1.timesScalar(bn.G1.g, total));
    const g2 = affine(bn.G2, bn.G2.timesScalar(bn.G2.g, total));
    assert.equal(g1Line, g1 ? `${g1[0]} ${g1[1]}` : '0 0', 'G1');
    assert.equal(g2Line, g2 ? `${g2[0][0]} ${g2[0][1]} ${g2[1][0]} ${g2[1][1]}` : '0 0 0 0', 'G2');
  }

  test('doublings and cancellations inside a bucket, scalars 0, 1 and r − 1', () => {
    const s = random();
    const terms: [bigint, bigint][] = [];
    for (let i = 0; i < 24; i++) terms.push([5n, s]); // the same point, the same digits: doubled in its buckets
    for (let i = 0; i < 6; i++) terms.push([7n, s], [R - 7n, s]); // p and −p in the same buckets
    terms.push([9n, 0n], [11n, 1n], [13n, R - 1n], [R - 1n, R - 1n]);
    for (let i = 0; i < 40; i++) terms.push([random(), random()]);
    check(terms);
  });

  test('every point in one bucket of every window (the waiting room overflows into side sums)', () => {
    const s = random();
    check(Array.from({ length: 1500 }, () => [random(), s] as [bigint, bigint]));
  });

  test('random points and scalars, many batches', () => {
    check(Array.from({ length: 3000 }, () => [random(), random()] as [bigint, bigint]));
  });

  test('a sum that is the point at infinity', () => {
    const terms: [bigint, bigint][] = Array.from({ length: 20 }, () => [random(), random()] as [bigint, bigint]);
    const partial = terms.reduce((acc, [k, s]) => (acc + k * s) % R, 0n);
    terms.push([1n, (R - partial) % R]);
    check(terms);
  });
});
