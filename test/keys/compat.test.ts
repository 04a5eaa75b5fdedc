// The development generators must write exactly what snarkjs writes from the same toxic waste.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as snarkjs from 'snarkjs';
import { bn128SingleThread, terminateSharedCurve } from '../../keys/curve.js';
import { writeDevPtau } from '../../keys/dev-ptau.js';
import { circuitPower, writeDevZkey } from '../../keys/dev-zkey.js';
import { BN254_R } from '../../keys/field.js';
import { FixedBaseMultiplier } from '../../keys/fixed-base.js';
import { readR1cs } from '../../keys/r1cs.js';
import { ToxicWaste } from '../../keys/toxic.js';
import { type CompiledCircuit, compileCircuit, scratchDir } from './helpers.js';

let circuit: CompiledCircuit;
let tmp: Awaited<ReturnType<typeof scratchDir>>;

before(async () => {
  circuit = await compileCircuit('poly');
  tmp = await scratchDir('keys-compat');
});

after(async () => {
  await tmp.remove();
  await terminateSharedCurve();
});

test('fixed-base multiplication agrees with ffjavascript', async () => {
  const scalars = [0n, 1n, 2n, BN254_R - 1n, 0x1234567890abcdef1234567890abcdef1234567890abcdefn, BN254_R / 3n];
  const fixedBase = await FixedBaseMultiplier.start();
  const curve = await bn128SingleThread();
  try {
    for (const [group, size] of [['G1', 64], ['G2', 128]] as const) {
      const batch = await fixedBase.multiply(group, scalars);
      scalars.forEach((s, i) => {
        const G = curve[group];
        const p = G.timesFr(G.g, curve.Fr.e(s));
        const lem = new Uint8Array(size);
        const uncompressed = new Uint8Array(size);
        G.toRprLEM(lem, 0, p);
        G.toRprUncompressed(uncompressed, 0, p);
        assert.deepEqual(batch.lem.subarray(i * size, (i + 1) * size), lem, `${group} LEM of scalar #${i}`);
        assert.deepEqual(batch.uncompressed.subarray(i * size, (i + 1) * size), uncompressed, `${group} uncompressed of scalar #${i}`);
      });
    }
  } finally {
    await fixedBase.terminate();
  }
});

test('toxic waste cannot be read after wipe', () => {
  const toxic = ToxicWaste.generate();
  assert.ok(toxic.tau > 0n && toxic.tau < BN254_R);
  assert.notEqual(toxic.tau, toxic.alpha);
  toxic.wipe();
  assert.equal(toxic.wiped, true);
  assert.throws(() => toxic.beta, /wiped/);
});

test('dev ptau passes snarkjs verification and equals snarkjs prepare phase2 of itself', async () => {
  const toxic = ToxicWaste.generate();
  const ptau = join(tmp.path, 'p5.ptau');
  await writeDevPtau({ toxic, power: 5, ptauPath: ptau });
  toxic.wipe();
  assert.equal(await snarkjs.powersOfTau.verify(ptau), true);

  // prepare phase2 recomputes sections 12-15 from sections 2-7 and copies the rest.
  const prepared = join(tmp.path, 'p5-prepared.ptau');
  await snarkjs.powersOfTau.preparePhase2(ptau, prepared);
  assert.ok(readFileSync(ptau).equals(readFileSync(prepared)), 'dev ptau differs from its snarkjs-prepared copy');
});

for (const extraPower of [0, 1, 2]) {
  test(`dev zkey is byte-identical to snarkjs zkey new (ptau power = circuit power + ${extraPower})`, async () => {
    const power = circuitPower(await readR1cs(circuit.r1cs)) + extraPower;
    const toxic = ToxicWaste.generate();
    const ptau = join(tmp.path, `t${power}.ptau`);
    const fromPtau = join(tmp.path, `snarkjs-${power}.zkey`);
    const direct = join(tmp.path, `dev-${power}.zkey`);
    await writeDevPtau({ toxic, power, ptauPath: ptau });
    const { csHash } = await writeDevZkey({ r1csPath: circuit.r1cs, toxic, zkeyPath: direct, ptauPower: power });
    toxic.wipe();

    const snarkjsHash = await snarkjs.zKey.newZKey(circuit.r1cs, ptau, fromPtau);
    assert.deepEqual(Buffer.from(csHash), Buffer.from(snarkjsHash as Uint8Array));
    assert.ok(readFileSync(direct).equals(readFileSync(fromPtau)), 'zkey files differ');
  });
}

test('snarkjs verifies a contributed + beaconed dev zkey against the dev ptau', async () => {
  const toxic = ToxicWaste.generate();
  const power = circuitPower(await readR1cs(circuit.r1cs)) + 1;
  const ptau = join(tmp.path, 'verify.ptau');
  const zkeys = ['0', '1', 'final'].map((s) => join(tmp.path, `verify_${s}.zkey`));
  await writeDevPtau({ toxic, power, ptauPath: ptau });
  await writeDevZkey({ r1csPath: circuit.r1cs, toxic, zkeyPath: zkeys[0] });
  toxic.wipe();

  await snarkjs.zKey.contribute(zkeys[0], zkeys[1], 'test', 'some entropy');
  await snarkjs.zKey.beacon(zkeys[1], zkeys[2], 'beacon', '0102030405060708090a0b0c0d0e0f10', 10);
  assert.equal(await snarkjs.zKey.verifyFromR1cs(circuit.r1cs, ptau, zkeys[2]), true);
});

// A 2^15 domain exercises snarkjs's H-point hashing quirk (it hashes n points once n > 2^14), but
// needs a power-16 ptau and about a minute: opt in with KEYS_SLOW_TESTS=1.
test('dev zkey matches snarkjs zkey new on a 2^15 domain', { skip: !process.env.KEYS_SLOW_TESTS && 'set KEYS_SLOW_TESTS=1' }, async () => {
  const big = await compileCircuit(
    'chain-16k',
    `pragma circom 2.1.0;
template Chain(n) {
    signal input a;
    signal output out;
    signal acc[n + 1];
    acc[0] <== a * a;
    for (var i = 0; i < n; i++) acc[i + 1] <== acc[i] * a + i;
    out <== acc[n];
}
component main {public [a]} = Chain(16400);
`,
  );
  assert.equal(circuitPower(await readR1cs(big.r1cs)), 15);
  const toxic = ToxicWaste.generate();
  const ptau = join(tmp.path, 'p16.ptau');
  await writeDevPtau({ toxic, power: 16, ptauPath: ptau });
  await writeDevZkey({ r1csPath: big.r1cs, toxic, zkeyPath: join(tmp.path, 'big-dev.zkey') });
  toxic.wipe();
  await snarkjs.zKey.newZKey(big.r1cs, ptau, join(tmp.path, 'big-snarkjs.zkey'));
  assert.ok(readFileSync(join(tmp.path, 'big-dev.zkey')).equals(readFileSync(join(tmp.path, 'big-snarkjs.zkey'))));
});
