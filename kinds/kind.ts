/**
 * What every result kind (the bill and the kinds of kinds/all.ts) declares so that one prover, one offline verifier,
 * one CLI command, one API pipeline, the benchmark and the test harness serve them all. A kind's folder
 * (kinds/<kind>/) holds its circuit, companion (documents, witness input), reference, this declaration
 * (kind.ts), its API bindings, example, tests and doc; kinds/all.ts registers it with one line.
 *
 *   statement fields (the documents a result names) → statement → public signals / witness input
 *   public signals → outputs, and the reference computation the prover checks the circuit against.
 *
 * Public signals of every kind are laid out the same way: the kind's outputs, then meterId, Ax, Ay,
 * context, startDay, days (CERTIFIED_LAYOUT), then the kind's own public inputs. A verifier rebuilds everything
 * after the outputs. The order is declared once, in `layout`.
 */
import type { z } from 'zod';
import type { CircuitConfig } from '../circuits/config.js';
import { outputCount, packSignals, publicInputNames, signalCount, signalDescription, unpackSignals, type PublicLayout, type SignalValues } from '../circuits/layout.js';
import { assertPeriodFits, type CertifiedPeriod } from '../circuits/lib/certified_inputs.js';
import type { Bundle } from '../meter/bundle.js';
import type { KindService } from './service.js';

/** Outputs as a result file states them: signed decimal integers, or lists of them. */
export type OutputsJson = Record<string, string | string[]>;

/** A statement field the CLI fills from a flag: a JSON document file, a text choice or an integer. */
export interface FieldFlag {
  /** the statement field, e.g. "tariff" */
  field: string;
  /** the command-line flag, e.g. "--tariff <file>" */
  flag: string;
  description: string;
  type: 'document' | 'text' | 'integer';
  required: boolean;
  choices?: readonly string[];
  /**
   * Where a household finds a document field's document (the household page's proving context): "tariff"
   * or "tiered-tariff" (assigned by the meter's supplier), "value-of-energy" (the grid's vector), or a
   * parameter document kind of the kind's service (default: its one document format).
   */
  source?: string;
  /** a field only some statements take: given only when another field has this value (a penalty bill's tariff) */
  onlyWith?: { field: string; value: string };
}

/** One instance of a kind's circuit: its template arguments by name and its constraint budget. */
export interface InstanceDeclaration {
  params: { maxDays: number; minDays: number } & Record<string, number>;
  /** the most constraints the compiled instance may have (compiling it over budget fails) */
  budget: number;
}

/** The meter and period an example statement is made for (what the benchmark and the demos certify). */
export interface ExamplePeriod {
  meterId: string;
  /** days since 1970-01-01 UTC */
  startDay: number;
  days: number;
}

/**
 * Circuits a kind's folder adds beside its result circuits, with public layouts of their own that no verifier
 * API certifies (a contract verifies them): the registry lists them for `meterproof setup` and `npm test`.
 */
export interface CircuitFamily {
  readonly family: string;
  readonly circuits: readonly CircuitConfig[];
  /** the instances `npm test` builds keys for */
  readonly testCircuits: readonly string[];
}

/** What a kind's author writes (kinds/<kind>/kind.ts). */
export interface KindDeclaration<S extends CertifiedPeriod, O> {
  readonly kind: string;
  /** one line: what a verifier learns */
  readonly summary: string;
  /**
   * For the household page, in plain words: what the service that receives the result learns, and what
   * stays at home (default: `summary`).
   */
  readonly reveals?: { learns: string; staysHome: string };
  /**
   * For the household page: each output (the keys of `units`) in plain words ("Electricity used"), with a
   * note where the words alone could mislead (the bill's settlement value is not owed by the household).
   */
  readonly labels: Record<string, string | { text: string; note: string }>;
  /** the .circom file (relative to the repository root), its template and the instances by circuit id */
  readonly circuit: { source: string; template: string; instances: Record<string, InstanceDeclaration> };
  /** the public signals in snarkjs order: outputs, then CERTIFIED_LAYOUT, then the kind's inputs */
  readonly layout: PublicLayout;
  /** the instances `npm test` builds keys for and proves with */
  readonly testCircuits: readonly string[];
  /** the statement's fields beyond meterId, meterPublicKey and period, as a result file carries them */
  readonly fields: z.ZodType<Record<string, unknown>>;
  readonly flags: readonly FieldFlag[];
  /** units of each output, e.g. { bill: 'micro-pence' } */
  readonly units: Record<string, string>;
  /** Builds the statement; throws a plain Error naming the bad document or field. */
  statement(period: CertifiedPeriod, fields: Record<string, unknown>, c: CircuitConfig): S;
  /** every public signal's value by its layout name */
  signalValues(s: S, out: O, c: CircuitConfig): SignalValues;
  /** the outputs from the public signals read by name */
  readOutputs(signals: Record<string, bigint[]>, s: S, c: CircuitConfig): O;
  outputsJson(out: O): OutputsJson;
  witnessInput(bundle: Bundle, s: S, c: CircuitConfig): Record<string, unknown>;
  /** the plain computation the circuit must agree with (async where it hashes with Poseidon) */
  reference(bundle: Bundle, s: S, c: CircuitConfig): O | Promise<O>;
  /** the statement fields of the example the benchmark and the demos prove for a period */
  example(p: ExamplePeriod): Record<string, unknown>;
  /** what the verifier API checks and offers for this kind (bindings, documents, routes) */
  readonly service: KindService;
  /** circuit families of the kind's folder beside its result circuits */
  readonly families?: readonly CircuitFamily[];
  /**
   * The kind's own commands beyond `prove <kind>`: a module at the command line's layer (kinds/<kind>/cli/),
   * named from the repository root with its .js extension, whose `registerCommands(program)` adds them.
   */
  readonly cli?: string;
}

/** A declared kind with everything derived from its declaration. */
export interface ResultKind<S extends CertifiedPeriod = CertifiedPeriod, O = unknown> extends KindDeclaration<S, O> {
  /** the instances as circuit configurations */
  readonly circuits: readonly CircuitConfig[];
  outputCount(c: CircuitConfig): number;
  signalCount(c: CircuitConfig): number;
  /** public signal `i` for messages: its layout name and what it stands for */
  signalName(i: number, c: CircuitConfig): string;
  publicSignals(s: S, out: O, c: CircuitConfig): bigint[];
  decode(signals: readonly bigint[], s: S, c: CircuitConfig): O;
}

export function defineKind<S extends CertifiedPeriod, O>(k: KindDeclaration<S, O>): ResultKind<S, O> {
  const circuits = Object.entries(k.circuit.instances).map(([id, inst]) => ({ id, kind: k.kind, source: k.circuit.source, template: k.circuit.template, params: inst.params, public: publicInputNames(k.layout), budget: inst.budget }));
  for (const id of k.testCircuits) if (!k.circuit.instances[id]) throw new Error(`${k.kind}: test circuit ${id} is not one of its instances`);
  const unlabelled = Object.keys(k.units).filter((o) => !k.labels[o]);
  if (unlabelled.length > 0) throw new Error(`${k.kind}: no plain words for the output ${unlabelled.join(', ')} (labels)`);
  return {
    ...k,
    circuits,
    outputCount: (c) => outputCount(k.layout, c),
    signalCount: (c) => signalCount(k.layout, c),
    signalName: (i, c) => signalDescription(k.layout, i, c),
    publicSignals: (s, out, c) => {
      assertPeriodFits(s, c);
      return packSignals(k.layout, c, k.signalValues(s, out, c));
    },
    decode: (signals, s, c) => k.readOutputs(unpackSignals(k.layout, c, signals), s, c),
    // the request a result answers (context) is the period's, whatever the kind builds from its documents
    statement: (period, fields, c) => {
      const s = k.statement(period, fields, c);
      return period.context === undefined ? s : { ...s, context: period.context };
    },
  };
}
