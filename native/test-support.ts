/** Test helpers of the native prover's tests. */
import { randomInt } from 'node:crypto';
import { syntheticReadings } from '../core/synthetic.js';
import { dayOf, SLOTS_PER_DAY } from '../core/time.js';
import { kindNamed, loadCircuits } from '../kinds/registry.js';
import { assembleBundle } from '../meter/bundle.js';
import { MeterCore } from '../meter/meter-core.js';
import { generateMeterKey } from '../meter/meter-key.js';

/** A random valid statement of circuit `id`: a fresh meter key, random readings, the kind's example fields. */
export async function randomInput(id: string) {
  const circuit = loadCircuits().find((c) => c.id === id)!;
  const kind = kindNamed(circuit.kind);
  const days = circuit.params.maxDays;
  const startDay = dayOf('2023-01-02') + randomInt(0, 300);
  const key = await generateMeterKey(`MTR-T${randomInt(0, 1e6)}`);
  const core = await MeterCore.commission(key, startDay);
  const readings = syntheticReadings(days, randomInt(1, 1e6));
  const records = [];
  for (let d = 0; d < days; d++) records.push(await core.recordDay(readings.slice(d * SLOTS_PER_DAY, (d + 1) * SLOTS_PER_DAY)));
  const bundle = assembleBundle(key.meterId, key.publicKey, records, startDay, days);
  const period = { meterId: key.meterId, publicKey: key.publicKey, startDay, days };
  const fields = kind.example(period);
  return { circuit, kind, bundle, fields, input: kind.witnessInput(bundle, kind.statement(period, kind.fields.parse(fields), circuit), circuit) };
}

