import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { field, libHarness, rejectsWitness } from '../support/lib-harness.js';
import { shapeNorm } from '../../circuits/lib/similarity.js';
import { classifyProfile } from '../../kinds/profile/reference.js';
import { quantisedScore, signedSquaredCorrelation } from '../../core/correlation.js';
import { suspectMatch } from '../../kinds/suspect/reference.js';
import { releaseCurve } from '../../prover/backend.js';

after(releaseCurve);

const f = field;
const fails = rejectsWitness;
const harness = (name: string, main: string) => libHarness(name, 'similarity.circom', main);

/** Deterministic pseudo-random integers in [0, max). */
function randomVector(seed: number, max: number, n = 48): bigint[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return BigInt(Math.floor((x / 2 ** 32) * max));
  });
}
const total = (v: readonly bigint[]) => v.reduce((a, b) => a + b, 0n);
const centredDot = (x: readonly bigint[], y: readonly bigint[]) => 48n * x.reduce((a, xi, i) => a + xi * y[i], 0n) - total(x) * total(y);

// The household's day and its spread, shared by the composed harnesses below.
const DAY = `
    signal input day[48];
    var dayTotal = 0;
    for (var s = 0; s < 48; s++) { dayTotal += day[s]; }
    component spread = CentredDot();
    spread.x <== day;
    spread.xTotal <== dayTotal;
    spread.y <== day;`;
const DOT = `
    component dot = CentredDot();
    dot.x <== day;
    dot.xTotal <== dayTotal;
    dot.y <== profile;
    component square = SignedSquare(51);
    square.x <== dot.dot;`;

describe('CentredDot and SignedSquare', () => {
  const centred = harness('similarity-centred-dot', `template H() { signal input x[48]; signal input xTotal; signal input y[48]; signal output dot;
    component c = CentredDot(); c.x <== x; c.xTotal <== xTotal; c.y <== y; dot <== c.dot; }
component main = H();`);
  const square = harness('similarity-signed-square-8', 'component main = SignedSquare(8);');

  test('48 Σ x y − Σx Σy, up to the widest inputs (day < 2^19, profile < 2^20)', async () => {
    const cases: [bigint[], bigint[]][] = [
      [randomVector(1, 2 ** 19), randomVector(2, 2 ** 20)],
      [Array(48).fill(2n ** 19n - 1n), randomVector(3, 2 ** 20)],
      [Array.from({ length: 48 }, (_, s) => (s < 24 ? 2n ** 19n - 1n : 0n)), Array.from({ length: 48 }, (_, s) => (s < 24 ? 0n : 2n ** 20n - 1n))],
    ];
    for (const [x, y] of cases) {
      const w = await centred({ x: x.map(String), xTotal: String(total(x)), y: y.map(String) });
      assert.equal(w[1], centredDot(x, y));
      assert.ok(w[1] < 2n ** 51n && w[1] > -(2n ** 51n), 'inside the documented 51-bit width');
    }
    assert.equal(centredDot(cases[2][0], cases[2][1]), -(24n * 24n * (2n ** 19n - 1n) * (2n ** 20n - 1n)), 'the most negative case');
  });

  test('x|x| for every x in the width, refused beyond it', async () => {
    for (let x = -255; x <= 255; x += 15) assert.equal((await square({ x: f(x) }))[1], BigInt(x * Math.abs(x)), `${x}`);
    await fails(square({ x: 256 }));
    await fails(square({ x: f(-257) }));
  });
});

describe('MostCorrelatedIs / MostCorrelated pick the largest correlation, lowest index on ties', () => {
  const check = harness('similarity-most-correlated-is-4', 'component main = MostCorrelatedIs(4);');
  const classify = harness('similarity-classify-4', `template H() {${DAY}
    signal input profiles[4][48];
    signal input norms[4];
    signal output index;
    component dot[4];
    component best = MostCorrelated(4);
    for (var k = 0; k < 4; k++) {
        dot[k] = CentredDot(); dot[k].x <== day; dot[k].xTotal <== dayTotal; dot[k].y <== profiles[k];
        best.dot[k] <== dot[k].dot; best.norm[k] <== norms[k];
    }
    index <== best.index;
    _ <== best.bestSquare; _ <== best.bestNorm; _ <== spread.dot;
}
component main = H();`);

  // correlations (as dot / sqrt(N)): 3/√4 = 1.5, -5/√9, 6/√16 = 1.5, 1/√1 — profiles 0 and 2 tie.
  const squares = [9, -25, 36, 1];
  const norms = [4, 9, 16, 1];
  const input = (index: number, n = norms) => ({ square: squares.map(f), norm: n.map(String), index });

  test('the first of the equal maxima passes; a later equal, a smaller one or an index out of range is refused', async () => {
    const w = await check(input(0));
    assert.deepEqual([w[1], w[2]], [9n, 4n], 'the winner’s square and norm');
    await fails(check(input(2)));
    await fails(check(input(1)));
    await fails(check(input(3)));
    await fails(check(input(4)));
  });

  test('a flat profile (norm 0) is refused', async () => {
    await fails(check(input(0, [4, 9, 0, 1])));
  });

  test('agrees with the reference classification on generated days and profiles', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const day = randomVector(seed, 16384);
      const profiles = [0, 1, 2, 3].map((k) => randomVector(100 * seed + k, 2 ** 20));
      if (seed === 6) profiles[3] = profiles[1].map((p) => 3n * p + 11n); // a tie between 1 and 3
      const expected = classifyProfile(day.map(Number), profiles).index;
      const w = await classify({ day: day.map(String), profiles: profiles.map((p) => p.map(String)), norms: profiles.map((p) => shapeNorm(p).toString()) });
      assert.equal(w[1], BigInt(expected), `seed ${seed}`);
    }
  });
});

describe('CorrelationAtLeast and QuantisedCorrelationIs', () => {
  const atLeast = harness('similarity-at-least', `template H() {${DAY}
    signal input profile[48];
    signal input norm;
    signal input t;
    signal input T;
    signal output out;${DOT}
    component c = CorrelationAtLeast(11);
    c.dotSquare <== square.out; c.spread <== spread.dot; c.norm <== norm; c.t <== t; c.T <== T;
    out <== c.out;
}
component main = H();`);
  const quantised = harness('similarity-quantised-is', `template H() {${DAY}
    signal input profile[48];
    signal input norm;
    signal input levels;
    signal input score;${DOT}
    component c = QuantisedCorrelationIs();
    c.dotSquare <== square.out; c.spread <== spread.dot; c.norm <== norm; c.levels <== levels; c.score <== score;
}
component main = H();`);

  const day = randomVector(7, 4000).map((v, s) => v + (s > 30 ? 3000n : 0n));
  const profile = randomVector(8, 10_000).map((v, s) => v + (s > 28 ? 6000n : 0n));
  const flatDay = Array(48).fill(123n);
  const base = (d: bigint[]) => ({ day: d.map(String), profile: profile.map(String), norm: shapeNorm(profile).toString() });

  test('ρ ≥ t / 1000 exactly as the reference decides, around the true correlation', async () => {
    const r = signedSquaredCorrelation(day, profile);
    const q = quantisedScore(r, 1000); // floor(1000 ρ)
    assert.ok(q > 100, `the generated vectors correlate (${q} per mille)`);
    for (const t of [-1000, -q, 0, q - 1, q, q + 1, 1000]) {
      const w = await atLeast({ ...base(day), t: f(t), T: 1000 });
      assert.equal(w[1], suspectMatch(day.map(Number), profile, t) ? 1n : 0n, `t = ${t}`);
      assert.equal(w[1], t <= q ? 1n : 0n, `t = ${t}`);
    }
  });

  test('a flat day has correlation 0; scale 0 reads "t <= 0"', async () => {
    for (const t of [-1, 0, 1]) assert.equal((await atLeast({ ...base(flatDay), t: f(t), T: 1000 }))[1], t <= 0 ? 1n : 0n);
    for (const t of [-1, 0, 1]) assert.equal((await atLeast({ ...base(day), t: f(t), T: 0 }))[1], t <= 0 ? 1n : 0n);
  });

  test('the score floor(L ρ) passes; one more or one less, or a flat day with a non-zero score, is refused', async () => {
    const r = signedSquaredCorrelation(day, profile);
    for (const levels of [1, 10, 1000]) {
      const score = quantisedScore(r, levels);
      await quantised({ ...base(day), levels, score: f(score) });
      await fails(quantised({ ...base(day), levels, score: f(score + 1) }));
      await fails(quantised({ ...base(day), levels, score: f(score - 1) }));
    }
    await quantised({ ...base(flatDay), levels: 100, score: 0 });
    await fails(quantised({ ...base(flatDay), levels: 100, score: 1 }));
    await fails(quantised({ ...base(flatDay), levels: 100, score: f(-1) }));
    await quantised({ ...base(day), levels: 0, score: 0 });
    await fails(quantised({ ...base(day), levels: 0, score: 1 }));
  });

  test('ρ = -1 scores -L; a score beyond the range check is refused', async () => {
    const opposite = profile.map((p) => 20_000n - p);
    const input = { day: profile.map(String), profile: opposite.map(String), norm: shapeNorm(opposite).toString() };
    await quantised({ ...input, levels: 1000, score: f(-1000) });
    await fails(quantised({ ...input, levels: 1000, score: f(-1001) }));
    await fails(quantised({ ...input, levels: 1000, score: f(-5000) }));
  });
});
