/**
 * The statement every benchmark proves for a circuit: a meter commissioned on 2023-01-02 signs generated
 * readings for the circuit's longest period, and the kind's example documents (kinds/<kind>/example.ts)
 * complete the statement. The snarkjs, native and browser benchmarks all prove this same input.
 */
import type { CircuitConfig } from '../circuits/config.js';
import { syntheticReadings } from '../core/synthetic.js';
import { dayOf, SLOTS_PER_DAY } from '../core/time.js';
import { kindNamed } from '../kinds/registry.js';
import { assembleBundle, type Bundle } from '../meter/bundle.js';
import { MeterCore } from '../meter/meter-core.js';
import { generateMeterKey } from '../meter/meter-key.js';

export async function benchStatement(circuit: CircuitConfig): Promise<{ bundle: Bundle; input: Record<string, unknown> }> {
  const days = circuit.params.maxDays;
  const startDay = dayOf('2023-01-02');
  const key = await generateMeterKey('MTR-BENCH');
  const core = await MeterCore.commission(key, startDay);
  const readings = syntheticReadings(days, 1);
  const records = [];
  for (let d = 0; d < days; d++) records.push(await core.recordDay(readings.slice(d * SLOTS_PER_DAY, (d + 1) * SLOTS_PER_DAY)));
  const bundle = assembleBundle(key.meterId, key.publicKey, records, startDay, days);
  const kind = kindNamed(circuit.kind);
  const period = { meterId: key.meterId, publicKey: key.publicKey, startDay, days };
  return { bundle, input: kind.witnessInput(bundle, kind.statement(period, kind.fields.parse(kind.example(period)), circuit), circuit) };
}

/** The circuits a benchmark's command line names with --circuit (repeatable: compared circuits are best measured in one run). */
export const chosenCircuits = (argv: readonly string[] = process.argv): string[] => argv.flatMap((a, i) => (argv[i - 1] === '--circuit' ? [a] : []));
