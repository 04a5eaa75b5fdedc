// Development "toxic waste": the secrets tau, alpha, beta of a single-party trusted setup.
//
// Whoever knows them can forge proofs for every circuit whose keys were derived from them, so they
// live only as long as key generation runs and are then wiped. The wipe is best effort: JavaScript
// gives no control over copies (BigInts are immutable and garbage-collected, strings and buffers may
// have been copied by the engine, values may sit in freed wasm or worker memory, or in swap). Treat
// any key built from development toxic waste as insecure.

import { randomBytes } from 'node:crypto';
import { BN254_R, FR_BYTES, readU256LE, writeU256LE } from './field.js';

const NAMES = ['tau', 'alpha', 'beta'] as const;
type SecretName = (typeof NAMES)[number];

export class ToxicWaste {
  /** The secrets packed as 32-byte little-endian integers: a buffer can be zeroed, a BigInt cannot. */
  private readonly secrets = new Uint8Array(NAMES.length * FR_BYTES);
  private isWiped = false;

  private constructor() {}

  /** Fresh uniformly random tau, alpha, beta in [1, r) from node:crypto. */
  static generate(): ToxicWaste {
    const waste = new ToxicWaste();
    NAMES.forEach((_, i) => writeU256LE(waste.secrets, i * FR_BYTES, randomNonZeroScalar()));
    return waste;
  }

  get tau(): bigint {
    return this.read('tau');
  }

  get alpha(): bigint {
    return this.read('alpha');
  }

  get beta(): bigint {
    return this.read('beta');
  }

  get wiped(): boolean {
    return this.isWiped;
  }

  /** Overwrites the secrets; any later read throws. Copies made while reading are not reachable from here. */
  wipe(): void {
    this.secrets.fill(0);
    this.isWiped = true;
  }

  private read(name: SecretName): bigint {
    if (this.isWiped) throw new Error('toxic waste has been wiped');
    return readU256LE(this.secrets, NAMES.indexOf(name) * FR_BYTES);
  }
}

/** Drawn again until below r: uniform in [1, r). r is about 0.76 * 2^254, so about 3 draws in 4 are kept. */
function randomNonZeroScalar(): bigint {
  for (;;) {
    const bytes = randomBytes(FR_BYTES);
    bytes[FR_BYTES - 1] &= 0x3f; // keep 254 bits
    const v = readU256LE(bytes, 0);
    bytes.fill(0);
    if (v !== 0n && v < BN254_R) return v;
  }
}
