/**
 * snarkjs's verifiers (Groth16, PLONK, FFLONK) on a BN254 curve built for verification. ffjavascript builds
 * its curve by generating the WebAssembly arithmetic and its constants in JavaScript (about 0.6 s on an idle
 * 2-core machine) and then starts a worker thread per core: most of an offline verification's time, for a
 * few pairings that need no workers. So a process that has no curve yet verifies on a single-threaded one,
 * built from the generated code that `npm run build` saves beside this module (bn128-curve.json, made by
 * curveCode() with ffjavascript's own builder); without that file, or for another ffjavascript version, it
 * lets ffjavascript build the single-threaded curve.
 */
import { buildBn128 } from 'ffjavascript';
import type { ProofSystem } from '../core/proof-systems.js';

/** ffjavascript's curve (untyped). */
type Curve = any;

/** What ffjavascript generates for BN254, with the version of ffjavascript that generated it. */
export interface CurveCode {
  ffjavascript: string;
  /** the WebAssembly module, base64 */
  code: string;
  /** offsets of the constants inside the module's memory, by ffjavascript's names (pq, pG1gen, …) */
  pointers: Record<string, number>;
  /** the base and scalar field moduli and G2's cofactor, decimal */
  q: string;
  r: string;
  cofactorG2: string;
}

const POINTERS = ['pq', 'pr', 'pG1gen', 'pG1zero', 'pG1b', 'pG2gen', 'pG2zero', 'pG2b', 'pOneT', 'prePSize', 'preQSize'] as const;
export const CURVE_CODE_FILE = 'bn128-curve.json';

const inNode = typeof process !== 'undefined' && !!process.versions?.node;

/** A file of an installed package that the package does not export, found beside its entry (Node only). */
const packageFile = (pkg: string, path: string): URL => new URL(path, import.meta.resolve(pkg));

/** The installed ffjavascript's version (Node only). */
async function ffjavascriptVersion(): Promise<string> {
  const { readFileSync } = await import('node:fs');
  return (JSON.parse(readFileSync(packageFile('ffjavascript', 'package.json'), 'utf8')) as { version: string }).version;
}

/** Generates the curve's code with ffjavascript's own builder (what `npm run build` saves). */
export async function curveCode(): Promise<CurveCode> {
  let builder: any;
  const curve = await buildBn128(true, (b: unknown) => {
    builder = b;
  });
  const m = builder.modules;
  const at: Record<(typeof POINTERS)[number], number> = {
    pq: m.f1m.pq,
    pr: m.frm.pq,
    pG1gen: m.bn128.pG1gen,
    pG1zero: m.bn128.pG1zero,
    pG1b: m.bn128.pG1b,
    pG2gen: m.bn128.pG2gen,
    pG2zero: m.bn128.pG2zero,
    pG2b: m.bn128.pG2b,
    pOneT: m.bn128.pOneT,
    prePSize: m.bn128.prePSize,
    preQSize: m.bn128.preQSize,
  };
  let cofactor = 0n;
  for (const byte of [...(curve.G2.cofactor as Uint8Array)].reverse()) cofactor = (cofactor << 8n) | BigInt(byte);
  return { ffjavascript: await ffjavascriptVersion(), code: Buffer.from(curve.tm.code).toString('base64'), pointers: at, q: String(m.bn128.q), r: String(m.bn128.r), cofactorG2: String(cofactor) };
}

/**
 * The single-threaded curve from saved code, through ffjavascript's engine (a module its package does not
 * export, so it is found beside the package's entry); undefined when the code is another version's.
 */
export async function curveFromCode(c: CurveCode): Promise<Curve | undefined> {
  if (c.ffjavascript !== (await ffjavascriptVersion())) return undefined;
  const [{ default: buildEngine }, { Scalar }] = await Promise.all([import(/* @vite-ignore */ packageFile('ffjavascript', 'src/engine.js').href), import('ffjavascript')]);
  const wasm = { ...c.pointers, code: new Uint8Array(Buffer.from(c.code, 'base64')), n8q: 32, n8r: 32, q: BigInt(c.q), r: BigInt(c.r) };
  const curve = await buildEngine({ name: 'bn128', wasm, q: Scalar.e(c.q), r: Scalar.e(c.r), n8q: 32, n8r: 32, cofactorG2: Scalar.e(c.cofactorG2), singleThread: true });
  curve.terminate = async () => {}; // no workers to stop
  return curve;
}

let own: Promise<Curve> | undefined;

/**
 * The curve to verify on: the process's curve when a prover has built it (globalThis.curve_bn128, shared by
 * snarkjs and ffjavascript), else this module's single-threaded one, built once.
 */
export function verificationCurve(): Promise<Curve> {
  const shared = (globalThis as { curve_bn128?: Curve }).curve_bn128;
  if (shared) return Promise.resolve(shared);
  own ??= (async () => {
    if (inNode) {
      try {
        const { readFileSync } = await import('node:fs');
        const saved = await curveFromCode(JSON.parse(readFileSync(new URL(CURVE_CODE_FILE, import.meta.url), 'utf8')) as CurveCode);
        if (saved) return saved;
      } catch {
        // no saved code (sources run through tsx, a browser bundle), or Node without import.meta.resolve
      }
    }
    return buildBn128(true);
  })();
  return own;
}

type Verifier = (vkey: unknown, publicSignals: string[], proof: unknown, logger: unknown) => Promise<unknown>;
const VERIFIER_FILES: Record<ProofSystem, string> = { groth16: 'src/groth16_verify.js', plonk: 'src/plonk_verify.js', fflonk: 'src/fflonk_verify.js' };

/**
 * snarkjs's verifier of a system from its own module when found: snarkjs's entry also loads its provers,
 * file formats and code templates (0.1 s more than the verifiers and the curve they share); else through the entry.
 */
async function snarkjsVerifier(system: ProofSystem): Promise<Verifier> {
  if (inNode) {
    try {
      const verify = (await import(/* @vite-ignore */ packageFile('snarkjs', VERIFIER_FILES[system]).href)).default;
      if (typeof verify === 'function') return verify as Verifier;
    } catch {
      // another layout of snarkjs's sources: its entry has the verifier
    }
  }
  return (await import('snarkjs'))[system].verify as Verifier;
}

// snarkjs logs a failed check with console.log unless given a logger
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** snarkjs's verifier of the system (the caller checks Groth16's points first: groth16-checks.ts). */
export async function verifyInSystem(system: ProofSystem, vkey: unknown, publicSignals: string[], proof: unknown, curve?: Curve): Promise<boolean> {
  const [verify, verifyOn] = await Promise.all([snarkjsVerifier(system), curve ?? verificationCurve()]);
  // Each verifier asks ffjavascript for the curve before its first await, and ffjavascript then returns
  // globalThis.curve_bn128 if set: lend it ours for that call only, so that a prover in this process later
  // still builds its threaded curve.
  const global = globalThis as { curve_bn128?: Curve };
  const shared = global.curve_bn128;
  global.curve_bn128 = verifyOn;
  let verdict: Promise<unknown>;
  try {
    verdict = verify(vkey, publicSignals, proof, quiet);
  } finally {
    global.curve_bn128 = shared;
  }
  return (await verdict) === true;
}
