// buildKeys in development mode: usable keys, a transcript, content-hash caching, and the guard
// against exporting a verification key from an uncontributed zkey.

import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as snarkjs from 'snarkjs';
import { DEV_CEREMONY_LABEL, buildKeys, countPhase2Contributions, exportVerificationKey } from '../../keys/ceremony.js';
import { terminateSharedCurve } from '../../keys/curve.js';
import { writeDevZkey } from '../../keys/dev-zkey.js';
import { ToxicWaste } from '../../keys/toxic.js';
import { type CompiledCircuit, compileCircuit, scratchDir } from './helpers.js';

let circuit: CompiledCircuit;
let tmp: Awaited<ReturnType<typeof scratchDir>>;

before(async () => {
  circuit = await compileCircuit('poly');
  tmp = await scratchDir('keys-ceremony');
});

after(async () => {
  await tmp.remove();
  await terminateSharedCurve();
});

// a = 3, b = 4, x = 2: y = 3 * 8 + 4 * 2 + 5 = 37. Public signals: [y, a, b].
const INPUT = { a: '3', b: '4', x: '2' };

test('development keys prove and verify; a wrong public signal is rejected', async () => {
  const outDir = join(tmp.path, 'dev');
  const messages: string[] = [];
  const keys = await buildKeys({ r1csPath: circuit.r1cs, outDir, onProgress: (m) => messages.push(m) });

  assert.equal(keys.ceremony, 'development');
  assert.equal(keys.cached, false);
  assert.ok(messages.some((m) => m.includes('phase-2 contribution')), 'progress reported');

  const transcript = JSON.parse(readFileSync(keys.transcriptPath, 'utf8'));
  assert.equal(transcript.mode, 'development');
  assert.equal(transcript.label, DEV_CEREMONY_LABEL);
  assert.deepEqual(
    transcript.contributions.map((c: { type: string }) => c.type),
    ['contribution', 'beacon'],
  );
  assert.equal(transcript.contributions[1].iterationsExp, 10);
  assert.equal(await countPhase2Contributions(keys.zkeyPath), 2);

  const vkey = JSON.parse(readFileSync(keys.vkeyPath, 'utf8'));
  const { proof, publicSignals } = await snarkjs.groth16.fullProve(INPUT, circuit.wasm, keys.zkeyPath);
  assert.deepEqual(publicSignals, ['37', '3', '4']);
  assert.equal(await snarkjs.groth16.verify(vkey, publicSignals, proof), true);
  assert.equal(await snarkjs.groth16.verify(vkey, ['38', '3', '4'], proof), false);
});

test('a second build with the same r1cs is a cached no-op; a changed r1cs rebuilds', async () => {
  const outDir = join(tmp.path, 'cache');
  const first = await buildKeys({ r1csPath: circuit.r1cs, outDir });
  const zkeyMtime = statSync(first.zkeyPath).mtimeMs;

  const started = Date.now();
  const second = await buildKeys({ r1csPath: circuit.r1cs, outDir });
  assert.equal(second.cached, true);
  assert.ok(Date.now() - started < 1000, 'cached call is fast');
  assert.equal(statSync(second.zkeyPath).mtimeMs, zkeyMtime);
  assert.deepEqual(second.transcript, first.transcript);

  const changed = await compileCircuit('poly-plus-7', readFileSync(join(import.meta.dirname, 'fixtures', 'poly.circom'), 'utf8').replace('+ 5;', '+ 7;'));
  const third = await buildKeys({ r1csPath: changed.r1cs, outDir });
  assert.equal(third.cached, false);
  assert.notEqual(third.transcript.r1csSha256, first.transcript.r1csSha256);
  assert.notEqual(third.transcript.zkeySha256, first.transcript.zkeySha256);
});

test('a damaged cached zkey is rebuilt', async () => {
  const outDir = join(tmp.path, 'damaged');
  const first = await buildKeys({ r1csPath: circuit.r1cs, outDir });
  const bytes = readFileSync(first.zkeyPath);
  bytes[bytes.length - 1] ^= 1;
  writeFileSync(first.zkeyPath, bytes);
  const second = await buildKeys({ r1csPath: circuit.r1cs, outDir });
  assert.equal(second.cached, false);
});

test('no verification key is exported from a zkey without phase-2 contributions', async () => {
  const zkeyPath = join(tmp.path, 'initial.zkey');
  const toxic = ToxicWaste.generate();
  await writeDevZkey({ r1csPath: circuit.r1cs, toxic, zkeyPath });
  toxic.wipe();
  assert.equal(await countPhase2Contributions(zkeyPath), 0);
  await assert.rejects(exportVerificationKey(zkeyPath), /no phase-2 contribution/);
});
