// Typed view of the parts of ffjavascript's BN254 engine used by keys/.
// (types/untyped-modules.d.ts declares the package as `any`.)

import * as ffjavascript from 'ffjavascript';

/** Bytes in ffjavascript's wasm layout: Montgomery form; points affine (x|y) or jacobian (x|y|z). */
export type WasmBytes = Uint8Array;

export interface Rng {
  nextU32(): number;
}

export interface CurveGroup {
  readonly F: { readonly n8: number };
  /** Generator, jacobian. */
  readonly g: WasmBytes;
  /** Affine LEM points to snarkjs's compressed encoding. */
  batchLEMtoC(points: Uint8Array): Promise<Uint8Array>;
  timesFr(p: WasmBytes, s: WasmBytes): WasmBytes;
  toAffine(p: WasmBytes): WasmBytes;
  fromRng(rng: Rng): WasmBytes;
  toRprLEM(buff: Uint8Array, offset: number, p: WasmBytes): void;
  toRprUncompressed(buff: Uint8Array, offset: number, p: WasmBytes): void;
}

export interface Bn128 {
  readonly G1: CurveGroup;
  readonly G2: CurveGroup;
  readonly Fr: { e(v: bigint): WasmBytes };
  readonly tm: { readonly code?: Uint8Array; readonly pG1gen: number; readonly pG2gen: number };
  terminate(): Promise<void>;
}

/**
 * Stops the worker threads of ffjavascript's shared multi-threaded curve, which snarkjs builds on first
 * use and keeps: node does not exit while they run.
 */
export async function terminateSharedCurve(): Promise<void> {
  await (globalThis as { curve_bn128?: Bn128 | null }).curve_bn128?.terminate();
}

/** A private single-threaded instance (nothing to stop): its `tm.code` is the wasm module our own workers run. */
export async function bn128SingleThread(): Promise<Bn128> {
  return (await ffjavascript.buildBn128(true)) as Bn128;
}

/** ffjavascript's ChaCha20 stream, the generator snarkjs derives curve points from. */
export function chacha(seed: number[]): Rng {
  const { ChaCha } = ffjavascript as unknown as { ChaCha: new (seed: number[]) => Rng };
  return new ChaCha(seed);
}

export const G1_AFFINE_BYTES = 64;
export const G2_AFFINE_BYTES = 128;
export type GroupName = 'G1' | 'G2';
export const affineBytes = (g: GroupName): number => (g === 'G1' ? G1_AFFINE_BYTES : G2_AFFINE_BYTES);
