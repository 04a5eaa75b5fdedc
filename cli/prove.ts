/**
 * `meterproof prove <kind>`: one subcommand per result kind, its flags from the kind's declaration. cli/main.ts
 * builds them only when `prove` is the command run, so other commands start without loading the kinds.
 */
import { Option, type Command } from 'commander';
import type { Groth16Proof } from '../core/groth16.js';
import type { ProofSystem } from '../core/proof-systems.js';
import { isoDay } from '../core/time.js';
import { KINDS } from '../kinds/registry.js';
import { readBundle } from '../meter/bundle.js';
import { documentFields, isDocumentRef } from '../prover/documents.js';
import type { BackendName } from '../prover/native-backend.js';
import { answerFields, openRequest } from '../prover/request.js';
import type { ResultJson } from '../prover/result.js';
import { parseCount, readJson, readRequest, UsageError, writeJson } from './io.js';

export function registerProveCommands(prove: Command, printOutputs: (r: Pick<ResultJson, 'outputs' | 'units'>) => void): void {
  for (const kind of Object.values(KINDS)) {
    const command = prove
      .command(kind.kind)
      .description(`prove a ${kind.kind} result: reveals ${kind.summary}`)
      .requiredOption('--bundle <file>', 'certified readings bundle');
    for (const f of kind.flags) {
      const option = new Option(f.flag, f.description);
      if (f.choices) option.choices(f.choices);
      if (f.required) option.makeOptionMandatory();
      command.addOption(option);
    }
    command.addOption(new Option('--backend <name>', 'prover: native (default when built, see native/README.md) or snarkjs').choices(['native', 'snarkjs']));
    command.addOption(new Option('--system <system>', 'proof system (keys from `setup --system`; docs/proof-systems.md)').choices(['groth16', 'plonk', 'fflonk']).default('groth16'));
    command.option('--compressed', 'write a Groth16 proof in its 128-byte compressed form (docs/proof-systems.md)');
    command.option('--compact', 'refer to the published documents by digest instead of embedding them (what the verifier API stores; `verify --documents` resolves them)');
    command.option('--request <file|url>', "a service's signed request (docs/requests.md) the result answers, from a file, its https URL or a household page link (…/?request=): checked (signature, expiry, kind, period, documents against its digests) and bound into the proof");
    command.requiredOption('--out <file>', 'result file to write').action(async (o: Record<string, string | undefined>) => {
      const bundle = (() => {
        try {
          return readBundle(o.bundle!);
        } catch (e) {
          throw new UsageError(`cannot use bundle ${o.bundle}: ${(e as Error).message}`);
        }
      })();
      const fields: Record<string, unknown> = {};
      for (const f of kind.flags) {
        const text = o[new Option(f.flag).attributeName()];
        if (text === undefined) continue;
        fields[f.field] = f.type === 'document' ? readJson(text, f.field) : f.type === 'integer' ? parseCount(text, f.flag.split(' ')[0], 0, 1e15) : text;
      }
      let request: string | undefined;
      if (o.request !== undefined) {
        const opened = await openRequest(await readRequest(o.request)).catch((e: Error) => {
          throw new UsageError(`refused request ${o.request}: ${e.message}`);
        });
        if (opened.kind.kind !== kind.kind) throw new UsageError(`request ${o.request} asks for a ${opened.kind.kind} result, not ${kind.kind}`);
        try {
          Object.assign(fields, answerFields(opened, { start: isoDay(bundle.startDay), days: bundle.days }, fields, fields));
        } catch (e) {
          throw new UsageError(`request ${o.request}: ${(e as Error).message}`);
        }
        request = opened.digest;
        console.log(`answering request ${opened.digest} of ${opened.request.service.name} (expires ${opened.request.expires})`);
      }
      const [{ proveResult }, { backendFor }] = await Promise.all([import('../prover/prove.js'), import('../prover/systems.js')]);
      const system = o.system as ProofSystem;
      if (o.compressed && system !== 'groth16') throw new UsageError(`--compressed is a form of Groth16 proofs, not of ${system} proofs`);
      const backend = (() => {
        try {
          return backendFor(system, o.backend as BackendName | undefined);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
      })();
      const result = await proveResult({ kind: kind.kind, bundle, fields, request, backend, compact: !!o.compact });
      if (o.compressed) {
        const { compressedProofHex } = await import('../prover/groth16-compressed.js');
        writeJson(o.out!, { ...result, proof: { protocol: 'groth16', curve: 'bn128', compressed: compressedProofHex(result.proof as Groth16Proof) } });
      } else writeJson(o.out!, result);
      printOutputs(result);
      for (const f of documentFields(kind.kind)) if (isDocumentRef(result.statement[f])) console.log(`  ${f} by digest ${(result.statement[f] as { digest: string }).digest}`);
      console.log(`${system} proof (${result.circuit}) written to ${o.out} in ${((result.prover!.witnessMs + result.prover!.proveMs) / 1000).toFixed(1)} s`);
    });
  }
}
