/** The checks every circuit test file ends with: `circom2 --inspect` on its instances, and constraint budgets. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspectCircuit, r1csInfo } from '../../circuits/compile.js';
import { artifactsOf } from '../../core/paths.js';
import { getCircuit } from '../../kinds/registry.js';
import type { CircuitConfig } from '../../circuits/config.js';

/** One test per circuit: `circom2 --inspect` reports no warning that circuits/compile.ts does not justify. */
export function inspectionTests(circuits: readonly (string | CircuitConfig)[]): void {
  for (const c of circuits.map((x) => (typeof x === 'string' ? getCircuit(x) : x))) {
    test(`circom2 --inspect reports nothing unjustified in ${c.id}`, async () => {
      assert.deepEqual(await inspectCircuit(c), []);
    });
  }
}

/** The compiled instances stay within their constraint budgets (`where` names the document with the 31-day count). */
export function constraintBudgetTest(where: string, budgets: Record<string, number>): void {
  test(`constraints: ${Object.keys(budgets).join(', ')} (31 days: ${where})`, async () => {
    for (const [id, max] of Object.entries(budgets)) {
      const n = (await r1csInfo(artifactsOf(id).r1cs)).nConstraints;
      assert.ok(n <= max, `${id} has ${n} constraints, over its budget of ${max}`);
    }
  });
}
