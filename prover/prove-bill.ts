/** Proves a certified bill: bundle + tariff (+ value-of-energy vector) → result file contents. */
import { existsSync } from 'node:fs';
import { billingWitnessInput } from '../circuits/billing.js';
import { computeBill } from '../circuits/billing.reference.js';
import { artifactsOf, circuitForDays } from '../circuits/registry.js';
import { fromFieldSigned } from '../core/field.js';
import { isoDay } from '../core/time.js';
import { verifyBundleSignature, type Bundle } from '../meter/bundle.js';
import { parseTariff } from '../tariff/index.js';
import { snarkjsBackend, type ProverBackend } from './backend.js';
import { RESULT_FORMAT, UNITS, type ResultJson } from './result.js';
import { billingStatement } from './statement.js';

export interface ProveBillOptions {
  bundle: Bundle;
  /** the tariff document as published (JSON) */
  tariff: unknown;
  valueOfEnergy?: unknown;
  backend?: ProverBackend;
}

export async function proveBill(o: ProveBillOptions): Promise<ResultJson> {
  const { bundle } = o;
  if (!(await verifyBundleSignature(bundle))) {
    throw new Error("the bundle's signature does not verify: its readings, period or chain state were altered, or it was signed by another meter");
  }
  const tariff = parseTariff(o.tariff);
  const valueOfEnergy = o.valueOfEnergy == null ? null : parseTariff(o.valueOfEnergy);
  const statement = billingStatement({ meterId: bundle.meterId, publicKey: bundle.publicKey, startDay: bundle.startDay, days: bundle.days, tariff, valueOfEnergy });
  const circuit = circuitForDays('bill', bundle.days);
  const artifacts = artifactsOf(circuit.id);
  if (!existsSync(artifacts.wasm) || !existsSync(artifacts.zkey)) throw new Error(`circuit ${circuit.id} is not built: run "meterproof setup" first`);

  const backend = o.backend ?? snarkjsBackend;
  const { proof, publicSignals, timings } = await backend.prove(billingWitnessInput(bundle, statement, circuit), artifacts.wasm, artifacts.zkey);
  const [bill, settlement, consumption] = publicSignals.slice(0, 3).map((s) => fromFieldSigned(BigInt(s)));

  // The circuit and the plain reference must agree; a disagreement is a bug, never a result to publish.
  const expected = computeBill(bundle.readingsWh, statement.prices, statement.values, statement.standingCharge);
  if (bill !== expected.bill || settlement !== expected.settlement || consumption !== expected.consumption) {
    throw new Error(`internal error: circuit outputs (${bill}, ${settlement}, ${consumption}) differ from the reference computation`);
  }

  return {
    format: RESULT_FORMAT,
    kind: 'bill',
    circuit: circuit.id,
    statement: {
      meterId: bundle.meterId,
      meterPublicKey: [bundle.publicKey[0].toString(), bundle.publicKey[1].toString()],
      period: { start: isoDay(bundle.startDay), days: bundle.days },
      tariff: o.tariff,
      valueOfEnergy: o.valueOfEnergy ?? null,
    },
    outputs: { bill: String(bill), settlement: String(settlement), consumption: String(consumption) },
    units: UNITS,
    proof,
    publicSignals,
    prover: { backend: backend.name, witnessMs: Math.round(timings.witnessMs), proveMs: Math.round(timings.proveMs) },
    createdAt: new Date().toISOString(),
  };
}
