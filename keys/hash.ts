// Hashing as done by snarkjs's ceremony files: BLAKE2b-512 everywhere, plus the "partial hash"
// (a BLAKE2b state saved mid-stream) stored in .ptau contribution records.

import { createHash, type Hash } from 'node:crypto';
import { blake2b as nobleBlake2b } from '@noble/hashes/blake2b';
import { type Bn128, type WasmBytes, chacha } from './curve.js';

export const blake2b512 = (): Hash => createHash('blake2b512');

/** Same ChaCha-based map snarkjs uses to derive the G2 point of a proof of knowledge from a hash. */
export function hashToG2(curve: Bn128, hash: Uint8Array): WasmBytes {
  const view = new DataView(hash.buffer, hash.byteOffset, hash.byteLength);
  const seed = Array.from({ length: 8 }, (_, i) => view.getUint32(i * 4, false));
  return curve.G2.fromRng(chacha(seed));
}

/** Internal state of @noble/hashes' BLAKE2b, the implementation snarkjs reads partial hashes back with. */
interface NobleBlake2bState {
  buffer: Uint8Array;
  length: number;
  pos: number;
  get(): number[];
}

/**
 * A streaming BLAKE2b-512 whose state can be exported in the 216-byte layout snarkjs stores as a
 * contribution's partialHash: 128-byte pending block | h[0..7] as 16 LE u32 (low, high) |
 * bytes compressed so far (u64 LE) | bytes pending (u64 LE) | 8 zero bytes.
 */
export class ResumableBlake2b {
  private readonly hasher = nobleBlake2b.create({ dkLen: 64 });

  update(data: Uint8Array): this {
    this.hasher.update(data);
    return this;
  }

  partialState(): Uint8Array {
    const state = this.hasher as unknown as NobleBlake2bState;
    const out = new Uint8Array(216);
    const view = new DataView(out.buffer);
    out.set(state.buffer, 0);
    state.get().forEach((word, i) => view.setUint32(128 + 4 * i, word, true));
    view.setBigUint64(192, BigInt(state.length - state.pos), true);
    view.setBigUint64(200, BigInt(state.pos), true);
    return out;
  }

  digest(): Uint8Array {
    return this.hasher.digest();
  }
}
