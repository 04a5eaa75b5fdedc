/**
 * Groth16, PLONK and FFLONK end to end on a small circuit (a few gates keep this to about a minute): keys
 * from the development setups (keys/ceremony.ts, keys/universal.ts), proofs from each system's backend,
 * verification with each system's key — and the proof-system benchmark's quick mode on the same circuit
 * (scripts/bench-systems.ts): every column of a row is produced and consistent, gas measured with each
 * system's Solidity verifier on Hardhat's in-process network. No timing is asserted.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { compileSource } from '../../circuits/compile.js';
import { BUILD_DIR, REPO_ROOT } from '../../core/paths.js';
import { PROOF_SYSTEMS, systemKeysOf } from '../../core/proof-systems.js';
import { domainPowerOf, g1PowersNeeded } from '../../keys/universal.js';
import { releaseCurve } from '../../prover/backend.js';
import { backendFor, verifyInSystem } from '../../prover/systems.js';
import { addRecheck, bandWidening, checkRow, compareToReference, csv, machineInfo, measureGas, measureRow, mergePasses, OSAKA_TX_GAS_CAP, plots, predictRow, probeMachine, outsideOf, reportPage, rerunBand, setupTarget, shiftOf, spread, SUMMARY_BEGIN, SUMMARY_END, universalRefusal, withReadmeSummary, type BenchTarget, type Recheck, type RecheckFigure, type SystemRow, type SystemsTable } from '../../scripts/bench-systems.js';

// Five public inputs and a few dozen gates: y = Σ a_i x^i, outputs y and x³.
const SOURCE = `pragma circom 2.1.0;
template Poly(n) {
    signal input a[n];
    signal input x;
    signal output y;
    signal output x3;
    signal p[n];
    signal t[n];
    p[0] <== x;
    t[0] <== a[0] * p[0];
    for (var i = 1; i < n; i++) {
        p[i] <== p[i - 1] * x;
        t[i] <== t[i - 1] + a[i] * p[i];
    }
    y <== t[n - 1];
    x3 <== p[2];
}
component main {public [a]} = Poly(5);
`;
const ID = 'test/proof-systems';
const INPUT = { a: ['1', '2', '3', '4', '5'], x: '3' };
// y = 1·3 + 2·9 + 3·27 + 4·81 + 5·243, x3 = 27
const SIGNALS = ['1641', '27', '1', '2', '3', '4', '5'];

let target: BenchTarget;
const rows: SystemRow[] = [];
const dir = mkdtempSync(join(tmpdir(), 'meterproof-systems-'));

before(async () => {
  const { circuit } = await compileSource(join(BUILD_DIR, ID), SOURCE);
  target = { id: ID, kind: 'test', readings: 5, r1cs: circuit.r1cs, wasm: circuit.wasm, input: INPUT };
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await releaseCurve();
});

describe('each proof system proves and verifies', () => {
  for (const system of PROOF_SYSTEMS) {
    test(system, async () => {
      const setup = await setupTarget(target, system, () => {});
      const keys = systemKeysOf(ID, system);
      assert.ok(keys.dir.endsWith(system === 'groth16' ? join(ID, 'keys') : join(ID, 'keys', system)), 'Groth16 keys stay where they were; the others get a folder each');
      const vkey = JSON.parse(readFileSync(keys.vkey, 'utf8'));
      assert.equal(vkey.protocol, system);
      if (system !== 'groth16') assert.match(setup.setupMode, /development/);

      const { proof, publicSignals } = await backendFor(system, 'snarkjs').prove(INPUT, target.wasm, keys.zkey);
      assert.equal(proof.protocol, system);
      assert.deepEqual(publicSignals, SIGNALS);
      assert.equal(await verifyInSystem(system, vkey, publicSignals, proof), true);
      assert.equal(await verifyInSystem(system, vkey, ['1642', ...publicSignals.slice(1)], proof), false, 'another output');
      assert.equal(await verifyInSystem(system, vkey, [...publicSignals.slice(0, 6), '6'], proof), false, 'another public input');
    });
  }

  test("a proof does not verify under another system's key", async () => {
    const plonk = JSON.parse(readFileSync(systemKeysOf(ID, 'plonk').vkey, 'utf8'));
    const { proof, publicSignals } = await backendFor('fflonk').prove(INPUT, target.wasm, systemKeysOf(ID, 'fflonk').zkey);
    assert.equal(await verifyInSystem('plonk', plonk, publicSignals, proof).catch(() => false), false);
  });

  test('the native prover is refused for PLONK and FFLONK, saying why', () => {
    assert.throws(() => backendFor('plonk', 'native'), /native proves Groth16 only/);
  });

  test("each system's domain and the phase-1 size it needs (snarkjs's rules)", () => {
    assert.equal(domainPowerOf('plonk', 42_776), 16);
    assert.equal(domainPowerOf('fflonk', 65_535), 17, 'FFLONK counts two blinding rows more');
    assert.equal(g1PowersNeeded('plonk', 16), 65_542);
    assert.equal(g1PowersNeeded('fflonk', 16), 9 * 65_536 + 18);
  });
});

describe('the proof-system benchmark, quick mode', () => {
  test('every column of every system', async () => {
    const measured: { row: SystemRow; proofFile: string }[] = [];
    for (const system of PROOF_SYSTEMS) {
      const setup = await setupTarget(target, system, () => {});
      const proofFile = join(dir, `${system}.json`);
      const row = { ...(await measureRow(target, system, 'snarkjs', 1, proofFile)), ...setup } as SystemRow;
      rows.push(row);
      measured.push({ row, proofFile });
    }
    for (const r of rows) r.plonkGates ??= rows.find((x) => x.plonkGates)?.plonkGates;
    await measureGas(measured, () => {});
    for (const r of rows) checkRow(r);
    assert.throws(() => checkRow({ ...rows[0], rssSamplesMB: [rows[0].maxRssMB, rows[0].maxRssMB] }), /peak RSS per pass/, 'more peak-RSS samples than passes');
    assert.throws(() => checkRow({ ...rows[0], rssSamplesMB: [rows[0].maxRssMB / 2] }), /peak RSS per pass/, 'a largest sample that is not maxRssMB');

    const by = Object.fromEntries(rows.map((r) => [r.system, r]));
    assert.equal(by.groth16.publicInputs, 7);
    assert.deepEqual([by.groth16.proofBytes.raw, by.groth16.proofBytes.compressed], [256, 128]);
    assert.equal(by.groth16.proofBytes.calldata, 4 + 32 * (8 + 7), 'A, B, C as 8 words and 7 signals');
    assert.equal(by.plonk.proofBytes.calldata, 4 + 32 * (24 + 7));
    assert.equal(by.fflonk.proofBytes.calldata, 4 + 32 * (24 + 7));
    assert.ok(by.plonk.proofBytes.raw > by.groth16.proofBytes.raw);
    assert.match(by.groth16.trust, /per-circuit/);
    assert.match(by.plonk.trust, /universal/);
    assert.ok(by.fflonk.domainPower >= by.plonk.domainPower);
  });

  test('CSV, plots and machine description', async () => {
    assert.ok(rows.length === 3, 'the rows of the test before');
    const machine = await machineInfo();
    const lines = csv(rows, machine, { witness: 0.3, prove: 0.1, verify: 0.2 }).trim().split('\n');
    const header = lines[0].split(',');
    assert.equal(header[0], 'framework');
    assert.equal(lines.length, 1 + 3 * 4, 'setup, witness, prove, verify per row');
    for (const l of lines) assert.equal(l.split(',').length, header.length, l);
    const prove = lines.find((l) => l.includes(',groth16,bn254,') && l.includes(',prove,'))!.split(',');
    const col = (name: string) => Number(prove[header.indexOf(name)]);
    assert.equal(col('rerunLow'), Math.round(rows[0].proveMs.min / 1.1), "the rerun band: min–max widened by the prove's widening");
    assert.equal(col('rerunHigh'), Math.round(rows[0].proveMs.max * 1.1));
    assert.deepEqual(['ram', 'ramMin', 'ramMax'].map(col), [rows[0].maxRssMB, rows[0].maxRssMB, rows[0].maxRssMB].map(Math.round), "one pass: its peak RSS is the median, min and max");
    const setup = lines.find((l) => l.includes(',groth16,bn254,') && l.includes(',setup,'))!.split(',');
    const cols = (line: string[], names: string[]) => names.map((n) => line[header.indexOf(n)]);
    assert.deepEqual(cols(setup, ['rerunLow', 'rerunHigh', 'ram', 'ramMin']), ['', '', '', ''], 'no recheck measured the setup: no band; the RSS only on the prove line');
    assert.deepEqual(cols(prove, ['ramRerunLow', 'ramRerunHigh']), ['', ''], 'no recheck measured the RSS: no band');
    const banded = csv([{ ...rows[0], setupSamplesMs: [1000, 1300] }], machine, { setup: 0.3, rss: 0.2 }).trim().split('\n').map((l) => l.split(','));
    const [setupLine, proveLine] = [banded.find((l) => l.includes('setup'))!, banded.find((l) => l.includes('prove'))!];
    assert.deepEqual(cols(setupLine, ['time', 'timeMin', 'timeMax', 'count', 'rerunLow', 'rerunHigh']), ['1150', '1000', '1300', '2', '769', '1690'], 'two key builds: their median, min–max and band');
    assert.deepEqual(cols(proveLine, ['ramRerunLow', 'ramRerunHigh']), [(rows[0].maxRssMB / 1.2).toFixed(0), (rows[0].maxRssMB * 1.2).toFixed(0)]);
    assert.deepEqual(cols(proveLine, ['rerunLow', 'rerunHigh']), ['', ''], 'no band for the prove time in a widening without it');
    const noBand = csv(rows, machine, undefined).trim().split('\n').slice(1).map((l) => l.split(','));
    assert.ok(noBand.every((l) => cols(l, ['rerunLow', 'rerunHigh', 'ramRerunLow', 'ramRerunHigh']).join('') === ''), 'no recheck recorded: no band, as on the page');
    assert.ok(lines.some((l) => l.includes(',plonk,bn254,') && l.includes(',prove,')));
    const svgs = plots(rows);
    assert.match(svgs['bench-systems-proof-size.svg'], /^<svg[^]*groth16[^]*plonk[^]*fflonk[^]*<\/svg>\n$/);
    assert.match(svgs['bench-systems-gas.svg'], /<polyline/);
    assert.equal(machine.snarkjs, JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'snarkjs', 'package.json'), 'utf8')).version);
  });

  test('the report page and the README summary are drawn from the table', async () => {
    assert.ok(rows.length === 3, 'the rows of the test before');
    // the same rows as a bill's, plus a row the planner refused, as a full run would record them
    // (and a Groth16 row whose verification costs more gas than one Ethereum transaction may use)
    const overCap = { ...rows[0], kind: 'bill', circuit: 'quarter', readings: 4416, verifyGas: OSAKA_TX_GAS_CAP + 1 } as SystemRow;
    const billRows = [...rows.map((r) => ({ ...r, kind: 'bill' })), { ...rows[0], kind: 'bill', system: 'plonk', prover: 'snarkjs', circuit: 'big', readings: 4416, skipped: 'predicted 900 s, more than the 300 s left' } as SystemRow, overCap];
    const table: SystemsTable = { command: 'npm run bench -- --systems groth16,plonk,fflonk', date: '2026-12-04T10:00:00.000Z', machine: await machineInfo(), runs: { groth16: 3, passes: 2, universal: 2 }, took: { totalMs: 600_000, budgetMinutes: 85, byPartMs: { groth16: 360_000, plonk: 120_000 }, loadAtStart: [0.25, 0.5, 1] }, rows: billRows };
    const page = reportPage(table);
    assert.match(page, /4 rows measured, 1 not run/);
    assert.match(page, /Groth16 rows: median and spread \(min–max\) of 6 proofs taken in 2 passes of 3 spread over the run/);
    assert.match(page, /load average \(1, 5, 15 min\) 0\.25 0\.50 1\.00 at the start/);
    assert.match(page, /Took 10\.0 min of a 85-minute budget: groth16 6\.0 min \(60 %\), plonk 2\.0 min \(20 %\)/);
    for (const system of ['groth16', 'plonk', 'fflonk']) assert.match(page, new RegExp(`\\| ${system} \\| snarkjs \\| ${ID} \\|`));
    assert.match(page, /\| big \|.*not run: predicted 900 s/);
    assert.match(page, /\| quarter \|.* 16,777,217 † \|/);
    assert.match(page, /† over the 2\^24 gas per transaction Ethereum allows since Osaka/);
    assert.doesNotMatch(page.split('\n').filter((l) => l.startsWith('| groth16 | snarkjs | ' + ID)).join(''), /†/, 'a figure under the cap is not marked');

    const readme = withReadmeSummary(`# title\n${SUMMARY_BEGIN}\nold figures\n${SUMMARY_END}\nafter\n`, table);
    assert.ok(readme.startsWith(`# title\n${SUMMARY_BEGIN}\nMeasured by`) && readme.endsWith(`${SUMMARY_END}\nafter\n`));
    assert.doesNotMatch(readme, /old figures/);
    const series = readme.split('\n').filter((l) => l.startsWith(`| ${ID} |`) || l.startsWith('| big |') || l.startsWith('| quarter |'));
    assert.equal(series.length, 3, 'one line per bill circuit');
    assert.match(series[0], /\| 5 \| .* \| 7 \| .* MB \|/, 'readings, public inputs, a Groth16 time and RSS');
    assert.match(series[1], /\| not run \|/);
    assert.match(series[2], /\| 16,777,217 † \/ – \/ – \|$/);
    assert.match(readme, /† over the 2\^24 gas per transaction/);
    assert.throws(() => withReadmeSummary('# no markers\n', table), /markers/);

    assert.match(page, /No recheck recorded yet: the min–max is one run's/);
    assert.doesNotMatch(page, /; rerun /, 'no rerun band before a recheck measured the drift');
    assert.doesNotMatch(page, /probeMachine/, 'a table from before the probes');
    const probed = { ...table, rows: [{ ...billRows[0], probes: [{ cpuMs: 50, pageTouchMs: 130 }, { cpuMs: 70, pageTouchMs: 150 }] }, { ...billRows[1], probes: [{ cpuMs: 60, pageTouchMs: 140 }] }] };
    assert.match(reportPage(probed), /before each of the 3 passes .*: loop 60 ms \(50–70\), page touch 140 ms \(130–150\)/);
    const timed = (prove: number[]) => ({ ...billRows[0], recordedRuns: undefined, samplesMs: { witness: prove.map(() => 200), prove, verify: prove.map(() => 20) } }) as SystemRow;
    const added = addRecheck({ ...table, rows: [timed([500, 600]), ...billRows.slice(1)] }, [timed([400])], { command: 'npm run bench -- --recheck --add', date: '2026-12-05T10:00:00.000Z', loadAverage: [1, 1, 1], rows: 1, within: 2, withinSpread: 1, of: 3, shift: 0.8, outside: { witness: 0.25, prove: 0.25, verify: 0.25 }, added: true });
    const addedPage = reportPage(added);
    assert.match(addedPage, /the min–max widened either way by 25\.0 % \(witness\), 25\.0 % \(prove\), 25\.0 % \(verify\).*: 2026-12-05 10:00 UTC, 1 rows, the machine ×0\.800, 2 of 3 medians within the rerun bands as they stood \(1 within the bare min–max\), load 1\.0 1\.0 1\.0 at its end, samples added\./);
    assert.match(addedPage, new RegExp(`\\| groth16 \\| ${billRows[0].prover} \\| ${ID} \\|.*\\| 200 ms \\(rerun 160 ms–250 ms\\) \\| 500 ms \\(400 ms–600 ms; rerun 320 ms–750 ms, N=3(?: in \\d+ passes)?, 2 runs\\) \\| 20 ms \\(rerun 16 ms–25 ms\\) \\|`), 'each time: median, min–max (when its samples differ), the rerun band; the prove cell the counts');
    assert.match(withReadmeSummary(`${SUMMARY_BEGIN}\n${SUMMARY_END}\n`, added), /\| 500 ms \(400 ms–600 ms; rerun 320 ms–750 ms\), \d+ MB \|/);

    // a recheck that built the key anew and kept each pass's peak RSS: the setup and the RSS get their spreads and bands too
    const sized = { ...timed([500, 600]), setupMs: 2_000, maxRssMB: 300, rssSamplesMB: [300] };
    const rebuilt = addRecheck({ ...table, rows: [sized, ...billRows.slice(1)] }, [{ ...timed([400]), maxRssMB: 360, rssSamplesMB: [330, 360], setupSamplesMs: [3_000] }], { command: 'npm run bench -- --recheck --add --rebuild-keys', date: '2026-12-05T18:00:00.000Z', loadAverage: [1, 1, 1], rows: 1, keysBuilt: 1, within: 3, withinSpread: 1, of: 5, shift: 1, outside: { setup: 0.5, witness: 0.25, prove: 0.25, verify: 0.25, rss: 0.1 }, added: true });
    const rebuiltPage = reportPage(rebuilt);
    assert.match(rebuiltPage, /\| 2\.5 s \(2\.0 s–3\.0 s; rerun 1\.3 s–4\.5 s, 2 builds\) \|/, 'setup: the median of the key builds, their min–max, the band');
    assert.match(rebuiltPage, /\| 330 MB \(300 MB–360 MB; rerun 273 MB–396 MB\) \|/, 'peak RSS: of each pass');
    assert.match(rebuiltPage, /widened either way by 50\.0 % \(setup\), 25\.0 % \(witness\), 25\.0 % \(prove\), 25\.0 % \(verify\), 10\.0 % \(peak RSS\) — /);
    assert.match(rebuiltPage, /18:00 UTC, 1 rows \(1 key built anew\)/);
    assert.match(addedPage, /\(setup, peak RSS: no band, no recorded recheck measured it\)/, 'a figure no recheck measured says so');
  });
});

describe('the full run keeps to its budget: which PLONK/FFLONK rows it runs', () => {
  // rows as measured: only the fields the planner reads
  const measuredRow = (system: 'plonk' | 'fflonk', domainPower: number, wallMs: number, maxRssMB: number) => ({ system, circuit: `c${domainPower}`, domainPower, wallMs, maxRssMB }) as SystemRow;
  const measured = [measuredRow('plonk', 16, 120_000, 800), measuredRow('fflonk', 16, 200_000, 2_300)];
  const GiB = 24 * 1024;

  test('a prediction scales the largest measured row of the same system: n log n in time, n in memory', () => {
    const p = predictRow(measured, 'plonk', 18)!;
    assert.equal(p.from.circuit, 'c16');
    assert.equal(p.ms, 120_000 * 4 * (18 / 16));
    assert.equal(p.rssMB, 800 * 4);
    assert.equal(predictRow(measured, 'plonk', 15), undefined, 'nothing measured at or below 2^15');
    assert.equal(predictRow([...measured, measuredRow('plonk', 17, 300_000, 1_700)], 'plonk', 18)!.from.circuit, 'c17');
  });

  test('a row runs while its prediction fits; otherwise the reason names the prediction and its basis', () => {
    assert.equal(universalRefusal(measured, 'plonk', 17, 60 * 60_000, 1800, GiB), undefined);
    assert.equal(universalRefusal([], 'plonk', 16, 1, 1800, GiB), undefined, 'the first row of a system is how it gets measured');
    assert.match(universalRefusal(measured, 'plonk', 17, 100_000, 1800, GiB)!, /predicted 255 s, more than the 100 s left .*c16 measured 120 s and 800 MB at 2\^16/);
    assert.match(universalRefusal(measured, 'plonk', 20, 10 * 60 * 60_000, 1800, GiB)!, /predicted 2400 s, over the 1800 s step budget/);
    assert.match(universalRefusal(measured, 'fflonk', 20, 10 * 60 * 60_000, 100_000, GiB)!, /predicted 35\.9 GB of memory/);
    assert.match(universalRefusal(measured, 'fflonk', 21, 10 * 60 * 60_000, 100_000, 1e9)!, /2\^21 domain needs a phase 1 of 18,874,386 G1 powers .* development writer stops at 2\^20/);
  });

  test("a row's passes merge into one spread of all their proofs", () => {
    const pass = (prove: number[], maxRssMB: number, wallMs: number) => ({ system: 'groth16', prover: 'native', circuit: 'x', runs: prove.length, passes: 1, samplesMs: { witness: prove.map((x) => x / 10), prove, verify: prove.map(() => 5) }, probes: [{ cpuMs: wallMs / 100, pageTouchMs: 1 }], maxRssMB, wallMs }) as unknown as SystemRow;
    const row = mergePasses([pass([100, 120, 110], 300, 4_000), pass([130, 125, 140], 280, 5_000)]);
    assert.deepEqual(row.probes!.map((p) => p.cpuMs), [40, 50], "each pass's machine probe, in the order taken");
    assert.deepEqual([row.runs, row.passes, row.maxRssMB, row.wallMs], [6, 2, 300, 9_000]);
    assert.deepEqual(row.rssSamplesMB, [300, 280], "each pass's peak RSS, in the order taken");
    const before = { ...pass([90], 310, 1_000), rssSamplesMB: undefined };
    assert.deepEqual(mergePasses([before, row]).rssSamplesMB, [310, 300, 280], 'a row from before the per-pass RSS: its max is its one sample');
    assert.deepEqual(row.proveMs, { median: 122.5, min: 100, max: 140 }, 'an even count: the mean of the middle two');
    assert.deepEqual(row.samplesMs.prove, [100, 120, 110, 130, 125, 140], 'in the order taken');
    assert.deepEqual(row.witnessMs, { median: 12.25, min: 10, max: 14 });
    assert.deepEqual(spread([3, 1, 2]), { median: 2, min: 1, max: 3 });
  });

  test("a rerun's medians are compared with the table's rerun bands: each figure's min–max widened by its own widening", () => {
    const row = (median: number, min: number, max: number) => ({ system: 'groth16', prover: 'snarkjs', circuit: 'x', setupMs: 5_000, witnessMs: { median, min, max }, proveMs: { median, min, max }, verifyMs: { median, min, max }, maxRssMB: 300, rssSamplesMB: [280, 300] }) as SystemRow;
    const rerun = [{ ...row(11, 10, 12), proveMs: { median: 13, min: 13, max: 13 }, verifyMs: { median: 8, min: 8, max: 8 }, rssSamplesMB: [320, 340, 330] }];
    const bare = compareToReference([row(10, 9, 12)], rerun, undefined);
    const outcome = (figures: RecheckFigure[]) => figures.map((f) => [f.figure, f.within, f.withinSpread]);
    assert.deepEqual(outcome(bare), [['witness', true, true], ['prove', false, false], ['verify', false, false], ['rss', false, false]], 'no recheck recorded: the bare min–max; the setup only when the rerun built the key');
    assert.equal(bare[3].rerun, 330, "the peak RSS: the median of the rerun's passes");
    const widened = compareToReference([row(10, 9, 12)], rerun, { witness: 0, prove: 0.1, verify: 0.15, rss: 0.1 });
    assert.deepEqual(outcome(widened), [['witness', true, true], ['prove', true, false], ['verify', true, false], ['rss', true, false]], '13 ≤ 12 × 1.1, 8 ≥ 9 / 1.15, 330 ≤ 300 × 1.1');
    assert.deepEqual(widened[1].band, rerunBand({ median: 10, min: 9, max: 12 }, 0.1));
    const narrower = compareToReference([row(10, 9, 12)], rerun, { witness: 0.1, prove: 0.05, verify: 0.1 });
    assert.deepEqual([narrower[1].within, narrower[2].within, narrower[3].within], [false, false, false], "13 > 12 × 1.05 and 8 < 9 / 1.1: each figure's own widening; none for the RSS: its bare min–max");
    assert.deepEqual(compareToReference([row(10, 9, 12)], [{ ...row(10, 9, 12), circuit: 'y' }], undefined), [], 'rows the table does not have');

    // a key built anew: its setup compared once, though the circuit's snarkjs and native rows share it
    const built = { ...row(10, 9, 12), setupSamplesMs: [6_500] };
    const withSetup = compareToReference([row(10, 9, 12), { ...row(10, 9, 12), prover: 'native' }], [built, { ...built, prover: 'native' }], { setup: 0.2 });
    assert.deepEqual(withSetup.filter((f) => f.figure === 'setup').map((f) => [f.row, f.rerun, f.within, f.withinSpread]), [['groth16/snarkjs/x', 6_500, false, false]], '6.5 s > 5 s × 1.2');
    const old = { ...row(10, 9, 12), rssSamplesMB: undefined };
    assert.deepEqual(compareToReference([old], [row(10, 9, 12)], undefined)[3].reference, { median: 300, min: 300, max: 300 }, 'a row from before the per-pass RSS: its max');
  });

  test('the rerun band of a figure: its min–max widened by the furthest a recorded recheck of it landed outside', () => {
    const figure = (fig: 'witness' | 'prove' | 'verify', min: number, max: number, rerun: number) => ({ figure: fig, reference: { median: (min + max) / 2, min, max }, rerun }) as RecheckFigure;
    const figures = [figure('prove', 100, 110, 132), figure('prove', 100, 110, 105), figure('verify', 10, 12, 8), figure('witness', 10, 12, 11)];
    const outside = outsideOf(figures);
    assert.ok(Math.abs(outside.prove! - 0.2) < 1e-12 && Math.abs(outside.verify! - 0.25) < 1e-12, `132 is 20 % over 110; 8 is 25 % under 10: ${JSON.stringify(outside)}`);
    assert.equal(outside.witness, 0, 'inside: no widening');
    assert.deepEqual(Object.keys(outside), ['witness', 'prove', 'verify'], 'only the figures compared: no setup, no RSS');
    assert.equal(shiftOf([figure('prove', 90, 110, 90), figure('prove', 90, 110, 130), figure('prove', 9, 11, 10.5), figure('prove', 9, 11, 2)]), (0.9 + 1.05) / 2, "the machine's move: one figure far off does not move the median");
    const recheck = (prove: number, verify: number) => ({ outside: { witness: 0, prove, verify } }) as Recheck;
    assert.equal(bandWidening({}), undefined, 'no recheck: no band');
    assert.deepEqual(bandWidening({ rechecks: [recheck(0.1, 0.4), recheck(0.2, 0)] }), { witness: 0, prove: 0.2, verify: 0.4 }, 'the furthest of each figure');
    const withRss = { outside: { witness: 0, prove: 0.05, verify: 0, rss: 0.12, setup: 0.3 } } as Recheck;
    assert.deepEqual(bandWidening({ rechecks: [recheck(0.1, 0.4), withRss] }), { setup: 0.3, witness: 0, prove: 0.1, verify: 0.4, rss: 0.12 }, 'a figure only a later recheck measured: its band from that one');
    assert.deepEqual(rerunBand({ median: 10, min: 8, max: 12 }, 0.25), { low: 6.4, high: 15 });
  });

  test("a recheck says how the machine moved: its probes' medians against the table run's", () => {
    const probed = (cpu: number[], pageTouch: number[]) => ({ system: 'groth16', prover: 'snarkjs', circuit: 'x', witnessMs: spread([10]), proveMs: spread([10]), verifyMs: spread([10]), probes: cpu.map((cpuMs, i) => ({ cpuMs, pageTouchMs: pageTouch[i] })) }) as unknown as SystemRow;
    const [f] = compareToReference([probed([100, 110], [200, 220])], [probed([126, 126], [105, 105])], undefined);
    assert.deepEqual(f.machine, { cpu: 1.2, pageTouch: 0.5 });
    assert.equal(compareToReference([{ ...probed([1], [1]), probes: undefined }], [probed([1], [1])], undefined)[0].machine, undefined, 'a table from before the probes');
    const probe = probeMachine();
    assert.ok(probe.cpuMs > 0 && probe.pageTouchMs > 0 && Number.isFinite(probe.cpuMs + probe.pageTouchMs), JSON.stringify(probe));
  });

  test("a recheck recorded in the table widens the spreads of the rows it measured, and only theirs", () => {
    const row = (circuit: string, prove: number[], extra: Partial<SystemRow> = {}) => ({ system: 'groth16', prover: 'snarkjs', circuit, runs: prove.length, passes: 2, samplesMs: { witness: prove, prove, verify: prove }, proveMs: spread(prove), setupMs: 6_000, maxRssMB: 100, wallMs: 9_000, verifyGas: 300_000, ...extra }) as unknown as SystemRow;
    const table = { rows: [row('a', [10, 11, 12, 10]), row('b', [20, 21]), { ...row('c', []), skipped: 'not run' }] } as unknown as SystemsTable;
    const meta: Recheck = { command: 'npm run bench -- --recheck --add', date: '2026-12-05T10:00:00.000Z', loadAverage: [1, 1, 1], rows: 2, within: 1, withinSpread: 1, of: 3, shift: 1.1, outside: { witness: 0, prove: 0.1, verify: 0 }, added: true };
    const once = addRecheck(table, [row('a', [13, 14, 12, 13], { maxRssMB: 120, rssSamplesMB: [120, 110], setupSamplesMs: [7_000], wallMs: 1 }), row('c', [1])], meta);
    const a = once.rows[0];
    assert.deepEqual([a.runs, a.passes, a.recordedRuns, a.maxRssMB, a.wallMs, a.verifyGas], [8, 4, 2, 120, 9_000, 300_000], "counts add up; the planner's wall time and the gas stay the table run's");
    assert.deepEqual([a.rssSamplesMB, a.setupSamplesMs, a.setupMs], [[100, 120, 110], [6_000, 7_000], 6_000], "each pass's peak RSS and each key build join the table run's; setupMs stays the table run's build");
    assert.deepEqual(a.proveMs, { median: 12, min: 10, max: 14 });
    assert.deepEqual(a.samplesMs.prove, [10, 11, 12, 10, 13, 14, 12, 13], 'the table run first');
    assert.equal(once.rows[1], table.rows[1], 'a row the rerun did not measure is left as it was');
    assert.equal(once.rows[2], table.rows[2], 'a row not run stays not run');
    assert.equal(table.rows[0].runs, 4, 'the table given is not changed');
    const twice = addRecheck(once, [row('a', [9, 9, 9, 9])], { ...meta, date: '2026-12-05T11:00:00.000Z', rows: 1, outside: { witness: 0, prove: 0.05, verify: 0.3 } });
    assert.deepEqual([twice.rows[0].recordedRuns, twice.rows[0].proveMs.min, twice.rows[0].setupSamplesMs], [3, 9, [6_000, 7_000]], 'a recheck that built no key adds no setup sample');
    assert.deepEqual(twice.rechecks!.map((r) => [r.date.slice(11, 13), r.rows]), [['10', 2], ['11', 1]]);
    assert.deepEqual(bandWidening(twice), { witness: 0, prove: 0.1, verify: 0.3 }, 'the furthest yet, figure by figure');
  });
});
