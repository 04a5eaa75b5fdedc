#!/usr/bin/env node
/**
 * Builds the native Groth16 prover (Node addon + command-line prover, and the tests' msm-check) into build/native/.
 *
 *   node native/build.mjs            # what `npm install` runs: never fails, one line when it cannot build
 *   node native/build.mjs --strict   # fails (exit 1) when it cannot build (CI, development)
 *   node native/build.mjs --portable # skip the assembly field code even when nasm is there
 *
 * Field arithmetic: the x86-64 assembly that ffiasm generates, assembled with nasm, when nasm is installed
 * and the CPU has BMI2 + ADX (mulx/adcx/adox); portable C++ otherwise. The full log goes to
 * build/native/build.log; build/native/build.json records what was built and how.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(REPO, 'build', 'native');
const LOG = join(OUT, 'build.log');
const strict = process.argv.includes('--strict');
const forcePortable = process.argv.includes('--portable') || process.env.MP_PORTABLE === '1';

const BN254_Q = '21888242871839275222246405745257275088696311157297823662689037894645226208583';
const BN254_R = '21888242871839275222246405745257275088548364400416034343698204186575808495617';

function log(s) {
  appendFileSync(LOG, s.endsWith('\n') ? s : s + '\n');
}

function run(cmd, args, opts = {}) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  log((r.stdout ?? '') + (r.stderr ?? ''));
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args[0] ?? ''} failed (exit ${r.status}); see build/native/build.log`);
  return r.stdout;
}

function has(cmd, args = ['--version']) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

function cpuHasAdxBmi2() {
  try {
    const flags = readFileSync('/proc/cpuinfo', 'utf8');
    return /\badx\b/.test(flags) && /\bbmi2\b/.test(flags);
  } catch {
    return false;
  }
}

/** ffiasm's BN254 field code (fq, fr) as position-independent x86-64 objects; returns their paths. */
function buildAsm() {
  const gen = join(OUT, 'gen');
  mkdirSync(gen, { recursive: true });
  const buildzqfield = join(REPO, 'node_modules', 'ffiasm', 'src', 'buildzqfield.js');
  const objects = [];
  for (const [name, q] of [['Fq', BN254_Q], ['Fr', BN254_R]]) {
    const base = name.toLowerCase();
    run(process.execPath, [buildzqfield, '-q', q, '-n', name, '--oa', join(gen, `${base}.asm`), '--oh', join(gen, `${base}.hpp`), '--oc', join(gen, `${base}.cpp`)]);
    // RIP-relative addressing, so that the objects can live in a shared library (the addon)
    const asm = readFileSync(join(gen, `${base}.asm`), 'utf8');
    writeFileSync(join(gen, `${base}_pic.asm`), `default rel\n${asm}`);
    run('nasm', ['-felf64', join(gen, `${base}_pic.asm`), '-o', join(gen, `${base}.o`)]);
    objects.push(join(gen, `${base}.o`));
  }
  return objects;
}

function nodeGyp() {
  const require = createRequire(import.meta.url);
  const candidates = [];
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {}
  const npmDir = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  candidates.push(npmDir);
  if (process.env.npm_config_node_gyp) candidates.unshift(process.env.npm_config_node_gyp);
  return candidates.find((c) => existsSync(c));
}

function build() {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(LOG, `native build ${new Date().toISOString()} ${platform()} ${arch()} node ${process.version}\n`);
  if (platform() === 'win32') throw new Error('not supported on Windows');
  const cxx = process.env.CXX || 'g++';
  if (!has(cxx)) throw new Error(`no C++ compiler (${cxx})`);
  if (!existsSync(join(REPO, 'node_modules', 'node-addon-api', 'napi.h'))) throw new Error('node-addon-api is not installed');
  const gyp = nodeGyp();
  if (!gyp) throw new Error('node-gyp not found (it ships with npm)');

  let asmObjects = [];
  let field = 'portable C++';
  if (!forcePortable && arch() === 'x64' && platform() === 'linux' && cpuHasAdxBmi2()) {
    if (has('nasm', ['-v'])) {
      try {
        asmObjects = buildAsm();
        field = 'x86-64 assembly (ffiasm, nasm)';
      } catch (e) {
        log(`assembly field code failed, using portable C++: ${e.message}`);
      }
    } else {
      log('nasm not found: portable C++ field arithmetic (apt-get install nasm for the assembly)');
    }
  }
  const march = arch() === 'x64' ? (process.env.MP_MARCH ?? '-march=native') : '';
  // GMP's inversion (field.hpp) when libgmp-dev is installed; a^(p−2) otherwise
  const gmp = spawnSync(cxx, ['-x', 'c++', '-', '-o', join(OUT, 'gmp-probe'), '-lgmp'], { input: '#include <gmp.h>\nint main() { mpz_t x; mpz_init(x); return 0; }\n' }).status === 0;
  rmSync(join(OUT, 'gmp-probe'), { force: true });
  if (!gmp) log('libgmp-dev not found: field inversions by exponentiation (apt-get install libgmp-dev for GMP\'s)');
  const defines = [...(asmObjects.length ? ['MP_ASM'] : []), ...(gmp ? ['MP_GMP'] : [])];
  const libs = [...asmObjects, ...(gmp ? ['-lgmp'] : [])];

  // nothing to do when the same sources were built the same way (CI runs this after npm ci's postinstall)
  const hash = createHash('sha256');
  for (const f of readdirSync(join(REPO, 'native', 'src')).sort()) hash.update(f).update(readFileSync(join(REPO, 'native', 'src', f)));
  hash.update(readFileSync(join(REPO, 'native', 'binding.gyp'))).update(readFileSync(fileURLToPath(import.meta.url)));
  hash.update(JSON.stringify({ field: asmObjects.length ? 'asm' : 'portable', gmp, march, node: process.version, cxx }));
  const sourceHash = hash.digest('hex');
  try {
    const prev = JSON.parse(readFileSync(join(OUT, 'build.json'), 'utf8'));
    if (prev.sourceHash === sourceHash && existsSync(prev.addon) && existsSync(prev.cli) && existsSync(prev.msmCheck ?? '')) {
      log('up to date');
      return { ...prev, cached: true };
    }
  } catch {}
  rmSync(join(OUT, 'build.json'), { force: true });

  // 1. the addon, through node-gyp, in build/native/addon/
  const addonDir = join(OUT, 'addon');
  rmSync(join(addonDir, 'build'), { recursive: true, force: true });
  mkdirSync(addonDir, { recursive: true });
  copyFileSync(join(REPO, 'native', 'binding.gyp'), join(addonDir, 'binding.gyp'));
  const nodedir = join(dirname(process.execPath), '..');
  const gypArgs = [
    gyp,
    'rebuild',
    `--directory=${addonDir}`,
    '--',
    `-Dmp_defines=${defines.join(' ')}`,
    `-Dmp_libraries=${libs.join(' ')}`,
    `-Dmp_march=${march}`,
  ];
  // headers from the installed Node when present (no download; CI reaches only the npm and Debian registries)
  if (existsSync(join(nodedir, 'include', 'node', 'node_api.h'))) gypArgs.splice(3, 0, `--nodedir=${nodedir}`);
  run(process.execPath, gypArgs, { cwd: addonDir, env: { ...process.env, JOBS: String(Math.max(1, cpus().length)) } });
  const addon = join(addonDir, 'build', 'Release', 'meterproof_native.node');
  if (!existsSync(addon)) throw new Error('node-gyp finished without producing the addon');

  // 2. the command-line prover (benchmarks, debugging)
  const src = join(REPO, 'native', 'src');
  const flags = ['-O3', '-std=c++17', '-pthread', ...(march ? [march] : []), ...defines.map((d) => `-D${d}`)];
  const link = [...(asmObjects.length ? [join(src, 'asm_stubs.cpp'), ...asmObjects, '-Wl,-z,noexecstack'] : []), ...(gmp ? ['-lgmp'] : [])];
  run(cxx, [...flags, '-o', join(OUT, 'meterproof-prove'), join(src, 'prover_cli.cpp'), join(src, 'groth16.cpp'), join(src, 'parallel.cpp'), join(src, 'pairing.cpp'), ...link]);
  // the multi-exponentiation on chosen points and scalars, for native/msm.test.ts
  const msmCheck = join(OUT, 'msm-check');
  run(cxx, [...flags, '-o', msmCheck, join(src, 'msm_check.cpp'), join(src, 'parallel.cpp'), ...link]);

  // 3. smoke test: load it in a fresh Node
  run(process.execPath, ['-e', `const a = require(${JSON.stringify(addon)}); if (typeof a.prove !== 'function') process.exit(1);`]);
  const info = { built: new Date().toISOString(), addon, cli: join(OUT, 'meterproof-prove'), msmCheck, field: `${field}${gmp ? ', GMP inversion' : ''}`, node: process.version, platform: `${platform()}-${arch()}`, sourceHash };
  writeFileSync(join(OUT, 'build.json'), JSON.stringify(info, null, 2) + '\n');
  return info;
}

const started = Date.now();
try {
  const info = build();
  if (info.cached) console.log(`meterproof: native prover up to date (${info.field}) in build/native/`);
  else console.log(`meterproof: native prover built (${info.field}, ${((Date.now() - started) / 1000).toFixed(0)} s) → build/native/`);
} catch (e) {
  try {
    rmSync(join(OUT, 'build.json'), { force: true });
  } catch {}
  const msg = `meterproof: native prover not built (${e.message}); proofs use snarkjs`;
  if (strict) {
    console.error(msg);
    process.exit(1);
  }
  console.log(msg);
}
