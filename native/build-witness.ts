/**
 * Builds the native witness generator of built circuits: circom --c (C++ output; circom's assembly field code
 * where the prover's build has assembly, its portable C++ otherwise) of the circuit's main file, compiled with
 * this machine's g++, nasm and libgmp with native/src/witness_main.cpp as its driver, into
 * build/native/<circuit id>/{witness, circuit.dat, stamp.json}. The native backend
 * (prover/native-backend.ts) uses it while the stamp matches the circuit's build (build/<id>/source.sha256),
 * the circuit's WebAssembly otherwise.
 *
 *   npx tsx native/build-witness.ts <circuit id>... [--opt O1]     # circuits must be built (meterproof setup)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { artifactsOf, REPO_ROOT } from '../core/paths.js';
import { nativeInfo, nativeWitnessDir, witnessDriverHash } from './native-prover.js';

function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.slice(0, 3).join(' ')} … failed (exit ${code}):\n${out.slice(-3000)}`))));
  });
}

export interface WitnessBuild {
  id: string;
  dir: string;
  built: boolean;
  seconds: number;
}

/** Builds (or finds up to date) the native witness generator of circuit `id`. */
export async function buildNativeWitness(id: string, o: { opt?: string; log?: (m: string) => void } = {}): Promise<WitnessBuild> {
  const log = o.log ?? (() => {});
  const a = artifactsOf(id);
  const main = join(a.dir, 'circuit.circom');
  const stampSource = join(a.dir, 'source.sha256');
  if (!existsSync(main) || !existsSync(stampSource)) throw new Error(`circuit ${id} is not compiled: run "meterproof setup --circuit ${id}" first`);
  const source = readFileSync(stampSource, 'utf8');
  const dir = nativeWitnessDir(id);
  const stampFile = join(dir, 'stamp.json');
  const opt = o.opt ?? 'O1';
  // circom's x86-64 assembly field (fr.asm, nasm) where the prover's own build uses assembly (the same needs:
  // nasm, BMI2 + ADX): ≈4 ms of a month's 40 ms witness here; its portable C++ field otherwise
  const field = nativeInfo()?.field.startsWith('x86-64 assembly') ? 'asm' : 'portable';
  if (existsSync(stampFile)) {
    const s = JSON.parse(readFileSync(stampFile, 'utf8'));
    if (s.source === source && s.circuitDir === a.dir && s.driver === witnessDriverHash() && s.opt === opt && s.field === field && existsSync(join(dir, 'witness'))) return { id, dir, built: false, seconds: 0 };
  }
  const started = Date.now();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`${id}: circom --c …`);
  // same simplification as the .r1cs/.wasm (circuits/compile.ts), so that the witness layout is the same
  const cli = join(REPO_ROOT, 'node_modules', 'circom2', 'cli.js');
  await run(process.execPath, [cli, relative(REPO_ROOT, main), '--c', ...(field === 'asm' ? [] : ['--no_asm']), '--O2', '-l', 'node_modules', '-o', relative(REPO_ROOT, dir)], REPO_ROOT);
  const cpp = join(dir, 'circuit_cpp');
  log(`${id}: g++ -${opt} (circuit.cpp is large: this takes a while) …`);
  const src = join(REPO_ROOT, 'native', 'src');
  const flags = ['-std=c++17', `-${opt}`, '-w', '-I', cpp];
  // the circuit's own code and the driver compile in parallel
  const objs = ['circuit', 'calcwit', 'fr', 'witness_main', ...(field === 'asm' ? ['fr_asm'] : [])].map((n) => join(dir, `${n}.o`));
  await Promise.all([
    run('g++', [...flags, '-c', join(cpp, 'circuit.cpp'), '-o', objs[0]], dir),
    (async () => {
      await run('g++', [...flags, '-O2', '-c', join(cpp, 'calcwit.cpp'), '-o', objs[1]], dir);
      await run('g++', [...flags, '-O2', '-c', join(cpp, 'fr.cpp'), '-o', objs[2]], dir);
      await run('g++', [...flags, '-O2', '-c', join(src, 'witness_main.cpp'), '-o', objs[3]], dir);
      if (field === 'asm') {
        // RIP-relative addressing (as for the prover's field code), so that it links into a position-independent executable too
        writeFileSync(join(cpp, 'fr_pic.asm'), `default rel\n${readFileSync(join(cpp, 'fr.asm'), 'utf8')}`);
        await run('nasm', ['-felf64', join(cpp, 'fr_pic.asm'), '-o', objs[4]], dir);
      }
    })(),
  ]);
  // linked statically where the static libraries are installed (libgmp-dev, g++ ship them): no dynamic loading
  // at each start, ≈4 ms of a month's 45 ms witness here; dynamically otherwise
  const link = (extra: string[]) => run('g++', ['-o', join(dir, 'witness'), ...objs, ...extra, '-lgmp', '-pthread', '-Wl,-z,noexecstack'], dir);
  await link(['-static']).catch(() => link([]));
  // keep what runs (witness, circuit.dat); the generated C++ and objects are large
  await run('cp', [join(cpp, 'circuit.dat'), join(dir, 'circuit.dat')], dir);
  if (!process.env.MP_KEEP_CPP) {
    rmSync(cpp, { recursive: true, force: true });
    for (const f of objs) rmSync(f, { force: true });
  }
  writeFileSync(stampFile, JSON.stringify({ circuitDir: a.dir, source, driver: witnessDriverHash(), opt, field, built: new Date().toISOString() }, null, 2) + '\n');
  const seconds = (Date.now() - started) / 1000;
  log(`${id}: native witness generator built in ${seconds.toFixed(0)} s`);
  return { id, dir, built: true, seconds };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const optAt = args.indexOf('--opt');
  const opt = optAt >= 0 ? args.splice(optAt, 2)[1] : undefined;
  if (args.length === 0) {
    console.error('usage: tsx native/build-witness.ts <circuit id>... [--opt O1]');
    process.exit(2);
  }
  for (const id of args) await buildNativeWitness(id, { opt, log: (m) => console.log(m) });
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  main().catch((e) => {
    console.error(`build-witness: ${(e as Error).message}`);
    process.exit(1);
  });
}
