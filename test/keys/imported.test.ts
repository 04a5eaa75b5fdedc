// buildKeys with an imported phase-1 .ptau (here a small dev ptau standing in for a public one).

import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as snarkjs from 'snarkjs';
import { BinFileReader } from '../../keys/binfile.js';
import { buildKeys } from '../../keys/ceremony.js';
import { terminateSharedCurve } from '../../keys/curve.js';
import { writeDevPtau } from '../../keys/dev-ptau.js';
import { circuitPower } from '../../keys/dev-zkey.js';
import { readR1cs } from '../../keys/r1cs.js';
import { ToxicWaste } from '../../keys/toxic.js';
import { type CompiledCircuit, compileCircuit, scratchDir } from './helpers.js';

let circuit: CompiledCircuit;
let tmp: Awaited<ReturnType<typeof scratchDir>>;
let domainPower: number;

before(async () => {
  circuit = await compileCircuit('poly');
  tmp = await scratchDir('keys-imported');
  domainPower = circuitPower(await readR1cs(circuit.r1cs));
});

after(async () => {
  await tmp.remove();
  await terminateSharedCurve();
});

async function devPtau(name: string, power: number): Promise<string> {
  const path = join(tmp.path, name);
  const toxic = ToxicWaste.generate();
  await writeDevPtau({ toxic, power, ptauPath: path });
  toxic.wipe();
  return path;
}

test('imported-ptau keys prove and verify, and are cached per ptau', async () => {
  const ptauPath = await devPtau('good.ptau', domainPower + 1);
  const outDir = join(tmp.path, 'imported');
  const keys = await buildKeys({ r1csPath: circuit.r1cs, outDir, ptauPath });
  assert.equal(keys.ceremony, 'imported-ptau');
  assert.equal(keys.transcript.ptau?.power, domainPower + 1);
  assert.equal(await snarkjs.zKey.verifyFromR1cs(circuit.r1cs, ptauPath, keys.zkeyPath), true);

  const vkey = JSON.parse(readFileSync(keys.vkeyPath, 'utf8'));
  const { proof, publicSignals } = await snarkjs.groth16.fullProve({ a: '1', b: '2', x: '3' }, circuit.wasm, keys.zkeyPath);
  assert.equal(await snarkjs.groth16.verify(vkey, publicSignals, proof), true);

  assert.equal((await buildKeys({ r1csPath: circuit.r1cs, outDir, ptauPath })).cached, true);
  const otherPtau = await devPtau('other.ptau', domainPower);
  assert.equal((await buildKeys({ r1csPath: circuit.r1cs, outDir, ptauPath: otherPtau })).cached, false);
  assert.equal((await buildKeys({ r1csPath: circuit.r1cs, outDir })).ceremony, 'development');
});

test('a corrupted ptau is refused', async () => {
  const ptauPath = join(tmp.path, 'corrupted.ptau');
  copyFileSync(await devPtau('source.ptau', domainPower), ptauPath);
  // Flip one bit of a tau^i G1 point in the middle of section 2.
  const file = await BinFileReader.open(ptauPath, 'ptau');
  const { offset, size } = file.section(2);
  await file.close();
  const bytes = readFileSync(ptauPath);
  bytes[offset + Math.floor(size / 2)] ^= 0x10;
  writeFileSync(ptauPath, bytes);

  await assert.rejects(buildKeys({ r1csPath: circuit.r1cs, outDir: join(tmp.path, 'corrupted'), ptauPath }), /corrupted\.ptau failed verification/);
});

test('a ptau too small for the circuit is refused', async () => {
  const ptauPath = await devPtau('small.ptau', domainPower - 1);
  await assert.rejects(
    buildKeys({ r1csPath: circuit.r1cs, outDir: join(tmp.path, 'small'), ptauPath }),
    new RegExp(`power ${domainPower - 1}, too small for this circuit \\(needs at least ${domainPower}\\)`),
  );
});
