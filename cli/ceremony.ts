/**
 * `meterproof ceremony`: a multi-party Groth16 phase 2 for one circuit, kept in a directory
 * (keys/phase2.ts) — init, contribute (here, or a zkey made elsewhere with `accept`), beacon, verify,
 * publish (a key bundle, keys/bundle.ts). docs/ceremony.md walks through a ceremony.
 */
import type { Command } from 'commander';
import { artifactsOf } from '../core/paths.js';
import type { Phase2Step } from '../keys/phase2.js';
import { UsageError } from './io.js';

// snarkjs, the compiler and the kind registry load when a ceremony command runs (cli/main.ts).
const phase2 = () => import('../keys/phase2.js');

const log = (m: string) => console.error(`  ${m}`);

async function insecureNote(dir: string): Promise<void> {
  const { readManifest, INSECURE_LABEL } = await phase2();
  if ((await readManifest(dir)).insecure) console.log(`WARNING ${INSECURE_LABEL}`);
}

function printStep(s: Phase2Step): void {
  console.log(`step ${s.index}: ${s.type} "${s.name}"`);
  if (s.contributionHash) console.log(`contribution hash (write it down; it must appear in the published transcript):\n  ${s.contributionHash.match(/.{1,32}/g)!.join('\n  ')}`);
}

export function registerCeremonyCommands(program: Command): void {
  const ceremony = program.command('ceremony').description('a multi-party phase-2 key ceremony for one circuit (docs/ceremony.md)');

  ceremony
    .command('init')
    .description('start a ceremony directory from a known phase-1 file (Hermez/Polygon, checked by BLAKE2b-512) or the INSECURE development phase 1')
    .argument('<dir>', 'new ceremony directory')
    .requiredOption('--circuit <id>', 'circuit id (e.g. billing_1d)')
    .option('--ptau <file>', 'phase-1 file: powersOfTau28_hez_final_{15,16,17}.ptau')
    .option('--insecure-dev', 'use a development phase 1 whose tau was known to this machine (INSECURE, for development and tests)')
    .action(async (dir: string, o: { circuit: string; ptau?: string; insecureDev?: boolean }) => {
      if (!o.ptau === !o.insecureDev) throw new UsageError('give --ptau FILE or --insecure-dev');
      const { getCircuit } = await import('../kinds/registry.js');
      const { compileCircuit } = await import('../circuits/compile.js');
      const { initCeremony } = await phase2();
      let circuit;
      try {
        circuit = getCircuit(o.circuit);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      await compileCircuit(circuit, log);
      const m = await initCeremony({ dir, circuit: circuit.id, r1csPath: artifactsOf(circuit.id).r1cs, ptauPath: o.ptau, insecureDev: o.insecureDev, onProgress: log });
      await insecureNote(dir);
      console.log(`ceremony for ${m.circuit} started in ${dir} (phase 1: ${m.phase1.source}, circuit hash ${m.csHash.slice(0, 16)}…)`);
    });

  ceremony
    .command('contribute')
    .description('add a contribution on this machine: fresh randomness plus your own entropy, then discarded')
    .argument('<dir>', 'ceremony directory')
    .requiredOption('--name <name>', 'your name as it appears in the transcript')
    .option('--entropy <text>', 'extra entropy of your own (type something random)')
    .action(async (dir: string, o: { name: string; entropy?: string }) => {
      await insecureNote(dir);
      const { contribute } = await phase2();
      printStep(await contribute(dir, { name: o.name, entropy: o.entropy, onProgress: log }));
    });

  ceremony
    .command('accept')
    .description('append a contribution made elsewhere (the browser page, another machine, snarkjs zkey contribute) after checking it')
    .argument('<dir>', 'ceremony directory')
    .argument('<zkey>', 'the contributed zkey')
    .action(async (dir: string, zkey: string) => {
      await insecureNote(dir);
      const { acceptContribution } = await phase2();
      printStep(await acceptContribution(dir, zkey, log));
    });

  ceremony
    .command('beacon')
    .description('close the ceremony with a public random beacon (e.g. a block hash announced in advance)')
    .argument('<dir>', 'ceremony directory')
    .requiredOption('--hash <hex>', 'the beacon value, hex (at least 16 bytes)')
    .option('--iterations-exp <n>', 'SHA-256 iterations: 2^n', '10')
    .option('--name <name>', 'name in the transcript', 'final beacon')
    .action(async (dir: string, o: { hash: string; iterationsExp: string; name: string }) => {
      await insecureNote(dir);
      const { beacon } = await phase2();
      printStep(await beacon(dir, { hash: o.hash, iterationsExp: Number(o.iterationsExp), name: o.name, onProgress: log }));
    });

  ceremony
    .command('verify')
    .description('verify every step of a ceremony directory (anyone can run it)')
    .argument('<dir>', 'ceremony directory')
    .action(async (dir: string) => {
      const { verifyCeremony } = await phase2();
      const { manifest, steps } = await verifyCeremony(dir, log);
      await insecureNote(dir);
      for (const s of steps) console.log(`  step ${s.index} ${s.type.padEnd(12)} ${s.name}${s.contributionHash ? `  ${s.contributionHash.slice(0, 32)}…` : ''}`);
      console.log(`VALID ceremony for ${manifest.circuit}: ${steps.length} step(s), phase 1 ${manifest.phase1.source}`);
    });

  ceremony
    .command('publish')
    .description('verify closed ceremonies and write their keys as one bundle (for `api serve --keys`)')
    .argument('<dir...>', 'ceremony directories (one per circuit)')
    .requiredOption('--out <bundle>', 'new bundle directory')
    .action(async (dirs: string[], o: { out: string }) => {
      const { publishBundle } = await import('../keys/bundle.js');
      const { INSECURE_LABEL } = await phase2();
      const m = await publishBundle({ ceremonies: dirs, out: o.out, onProgress: log });
      if (m.development) console.log(`WARNING ${INSECURE_LABEL}`);
      console.log(`bundle ${o.out}: ${Object.keys(m.circuits).join(', ')}${m.development ? ' (development keys)' : ''}`);
    });
}
