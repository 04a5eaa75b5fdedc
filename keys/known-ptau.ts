/**
 * Phase-1 files a ceremony may start from: the Hermez/Polygon powers-of-tau ceremony's final files
 * (prepared for phase 2), identified by their BLAKE2b-512 hash as published in snarkjs's README
 * (node_modules/snarkjs/README.md, "Download a ptau"). They cannot be downloaded here: an operator fetches
 * the file, `meterproof ceremony init --ptau FILE` hashes it and refuses any file not listed below.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface KnownPtau {
  name: string;
  power: number;
  blake2b512: string;
}

export const KNOWN_PTAU: readonly KnownPtau[] = [
  {
    name: 'powersOfTau28_hez_final_15.ptau',
    power: 15,
    blake2b512: '982372c867d229c236091f767e703253249a9b432c1710b4f326306bfa2428a17b06240359606cfe4d580b10a5a1f63fbed499527069c18ae17060472969ae6e',
  },
  {
    name: 'powersOfTau28_hez_final_16.ptau',
    power: 16,
    blake2b512: '6a6277a2f74e1073601b4f9fed6e1e55226917efb0f0db8a07d98ab01df1ccf43eb0e8c3159432acd4960e2f29fe84a4198501fa54c8dad9e43297453efec125',
  },
  {
    name: 'powersOfTau28_hez_final_17.ptau',
    power: 17,
    blake2b512: '6247a3433948b35fbfae414fa5a9355bfb45f56efa7ab4929e669264a0258976741dfbe3288bfb49828e5df02c2e633df38d2245e30162ae7e3bcca5b8b49345',
  },
];

export function knownPtau(blake2b512: string): KnownPtau | undefined {
  return KNOWN_PTAU.find((p) => p.blake2b512 === blake2b512);
}

/** BLAKE2b-512 of a file, hex (what `b2sum` prints). */
export function blake2b512File(path: string): Promise<string> {
  return hashFile(path, 'blake2b512');
}

export function sha256File(path: string): Promise<string> {
  return hashFile(path, 'sha256');
}

function hashFile(path: string, algorithm: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash(algorithm);
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
