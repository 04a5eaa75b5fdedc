/**
 * The generic circuit harness: every kind of the registry (kinds/all.ts), on its 1-day instance, is checked
 * the same way — its declared public layout against the .circom declaration order and the compiled .sym,
 * its instances against the template's signature, its outputs (read by name from the .sym) against its
 * independent reference on generated and real readings, edited outputs against the r1cs, `circom2
 * --inspect`, and its constraint budget. Kind-specific cases stay in kinds/<kind>/<kind>.circuit.test.ts;
 * the certified-readings tamper cases every kind shares are in certified-readings.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CircuitConfig } from '../../circuits/config.js';
import { compileCircuit, inspectCircuit, r1csInfo, templateParameters } from '../../circuits/compile.js';
import { placeSignals, signalName, signalNames } from '../../circuits/layout.js';
import { SNARK_FIELD } from '../../core/field.js';
import { artifactsOf, REPO_ROOT } from '../../core/paths.js';
import { dayOf } from '../../core/time.js';
import type { Bundle } from '../../meter/bundle.js';
import { releaseCurve } from '../../prover/backend.js';
import { KINDS, type ResultKind } from '../../kinds/registry.js';
import { certifiedRealPeriod, certifyPeriod, hasSharedData, REAL_HOUSEHOLDS, syntheticReadings } from '../support/fixtures.js';
import { readSymbols } from '../support/sym.js';
import { computeWitness, editWitness, witnessFile, witnessSatisfies } from '../support/witness.js';

after(releaseCurve);

/** The `signal input` / `signal output` declarations of a template's body, in order. */
function declaredSignals(c: CircuitConfig): { name: string; output: boolean }[] {
  const text = readFileSync(join(REPO_ROOT, c.source), 'utf8');
  const start = text.search(new RegExp(`^\\s*template\\s+${c.template}\\s*\\(`, 'm'));
  let depth = 0;
  let end = text.indexOf('{', start);
  for (let i = end; i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) {
      end = i;
      break;
    }
  }
  const body = text.slice(start, end);
  return [...body.matchAll(/signal\s+(input|output)\s+(\w+)/g)].map((m) => ({ name: m[2], output: m[1] === 'output' }));
}

/** The kind's outputs read from a witness by their .sym names, as the kind's readOutputs takes them. */
function outputsByName(kind: ResultKind<any, any>, c: CircuitConfig, witness: readonly bigint[]): Record<string, bigint[]> {
  const sym = readSymbols(artifactsOf(c.id).sym);
  const wire = (name: string) => {
    const index = sym.wire(`main.${name}`);
    assert.ok(index !== undefined, `${c.id}: no wire named main.${name}`);
    return index;
  };
  return Object.fromEntries(
    placeSignals(kind.layout, c)
      .filter((s) => s.output)
      .map((s) => [s.name, Array.from({ length: s.length }, (_, j) => witness[wire(signalName(kind.layout, s.offset + j, c))])]),
  );
}

async function agreesWithReference(kind: ResultKind<any, any>, c: CircuitConfig, bundle: Bundle): Promise<void> {
  const s = kind.statement(bundle, kind.fields.parse(kind.example(bundle)), c);
  const witness = await computeWitness(c.id, kind.witnessInput(bundle, s, c));
  const circuit = kind.outputsJson(kind.readOutputs(outputsByName(kind, c, witness), s, c));
  assert.deepEqual(circuit, kind.outputsJson(await kind.reference(bundle, s, c)));
}

for (const kind of Object.values(KINDS)) {
  describe(`kind ${kind.kind}`, () => {
    const c = kind.circuits.find((x) => x.params.maxDays === 1);
    if (!c) throw new Error(`kind ${kind.kind} declares no 1-day instance for the harness`);
    before(() => compileCircuit(c));

    test('every instance names exactly the parameters of its template', () => {
      for (const x of kind.circuits) assert.deepEqual(Object.keys(x.params).sort(), templateParameters(x).sort(), x.id);
    });

    test('the public layout follows the .circom declaration order', () => {
      const declared = declaredSignals(c);
      const inLayout = new Set(kind.layout.map((s) => s.name));
      assert.deepEqual(
        kind.layout.filter((s) => s.output).map((s) => s.name),
        declared.filter((s) => s.output).map((s) => s.name),
        'outputs: every output of the main template, in declaration order',
      );
      assert.deepEqual(
        kind.layout.filter((s) => !s.output).map((s) => s.name),
        declared.filter((s) => !s.output && inLayout.has(s.name)).map((s) => s.name),
        'public inputs in declaration order',
      );
    });

    test('the compiled .sym names the public signals as the layout does', async () => {
      const names = signalNames(kind.layout, c);
      assert.equal((await r1csInfo(artifactsOf(c.id).r1cs)).nOutputs + (await r1csInfo(artifactsOf(c.id).r1cs)).nPubInputs, names.length);
      assert.deepEqual(readSymbols(artifactsOf(c.id).sym).publicNames(names.length), names.map((n) => `main.${n}`));
    });

    test('agrees with its reference on generated readings', async () => {
      for (const seed of [1, 7]) await agreesWithReference(kind, c, (await certifyPeriod({ startDay: dayOf('2023-01-09') + seed, readings: syntheticReadings(1, seed) })).bundle);
    });

    test('agrees with its reference on real readings', { skip: !hasSharedData && 'no ../shared/data' }, async () => {
      for (const household of REAL_HOUSEHOLDS.slice(0, 2)) await agreesWithReference(kind, c, (await certifiedRealPeriod(household, '2013-01-07', 1)).bundle);
    });

    test('an edited output does not satisfy the r1cs', async () => {
      const { bundle } = await certifyPeriod({ startDay: dayOf('2023-01-10'), readings: syntheticReadings(1, 3) });
      const s = kind.statement(bundle, kind.fields.parse(kind.example(bundle)), c);
      const input = kind.witnessInput(bundle, s, c);
      assert.equal(await witnessSatisfies(c.id, await witnessFile(c.id, input)), true, 'control: the honest witness satisfies the r1cs');
      for (const [name, values] of Object.entries(outputsByName(kind, c, await computeWitness(c.id, input)))) {
        for (let j = 0; j < values.length; j++) {
          const path = await witnessFile(c.id, input);
          editWitness(path, 1 + placeSignals(kind.layout, c).find((p) => p.name === name)!.offset + j, 1n, SNARK_FIELD);
          assert.equal(await witnessSatisfies(c.id, path), false, `${name}[${j}] + 1 satisfies the constraints`);
        }
      }
    });

    test('circom2 --inspect reports nothing unjustified', async () => {
      assert.deepEqual(await inspectCircuit(c), []);
    });

    test('every declared instance has a constraint budget; the compiled one keeps it', async () => {
      for (const x of kind.circuits) assert.ok(Number.isInteger(x.budget), `${x.id} declares no budget`);
      const n = (await r1csInfo(artifactsOf(c.id).r1cs)).nConstraints;
      assert.ok(n <= c.budget!, `${c.id}: ${n} constraints, budget ${c.budget}`);
    });
  });
}
