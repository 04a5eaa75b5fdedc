// Reader for circom's .r1cs files (header and constraints only).

import { BinFileReader } from './binfile.js';
import { BN254_R, FR_BYTES, readU256LE } from './field.js';

export interface Term {
  wire: number;
  coef: bigint;
}

/** One constraint <A, w> * <B, w> = <C, w>. */
export type Constraint = [a: Term[], b: Term[], c: Term[]];

export interface R1cs {
  nWires: number;
  nPubOut: number;
  nPubIn: number;
  nPrvIn: number;
  /** Public signals (outputs then public inputs), not counting the constant wire 0. */
  nPublic: number;
  constraints: Constraint[];
}

const HEADER_SECTION = 1;
const CONSTRAINTS_SECTION = 2;

export interface R1csHeader {
  nWires: number;
  nPubOut: number;
  nPubIn: number;
  nPrvIn: number;
  nConstraints: number;
}

export async function readR1cs(path: string): Promise<R1cs> {
  const file = await BinFileReader.open(path, 'r1cs');
  try {
    const { nWires, nPubOut, nPubIn, nPrvIn, nConstraints } = parseHeader(await file.readSection(HEADER_SECTION), path);
    const constraints = parseConstraints(await file.readSection(CONSTRAINTS_SECTION), nConstraints);
    return { nWires, nPubOut, nPubIn, nPrvIn, nPublic: nPubOut + nPubIn, constraints };
  } finally {
    await file.close();
  }
}

/** The counts of the header alone (no constraint is read). */
export async function readR1csHeader(path: string): Promise<R1csHeader> {
  const file = await BinFileReader.open(path, 'r1cs');
  try {
    return parseHeader(await file.readSection(HEADER_SECTION), path);
  } finally {
    await file.close();
  }
}

function parseHeader(header: Buffer, path: string): R1csHeader {
  const n8 = header.readUInt32LE(0);
  if (n8 !== FR_BYTES || readU256LE(header, 4) !== BN254_R) {
    throw new Error(`${path}: only circuits over the BN254 scalar field are supported`);
  }
  let pos = 4 + n8;
  const u32 = (): number => {
    const v = header.readUInt32LE(pos);
    pos += 4;
    return v;
  };
  const nWires = u32();
  const nPubOut = u32();
  const nPubIn = u32();
  const nPrvIn = u32();
  pos += 8; // nLabels
  return { nWires, nPubOut, nPubIn, nPrvIn, nConstraints: u32() };
}

function parseConstraints(data: Buffer, nConstraints: number): Constraint[] {
  let pos = 0;
  const readLinearCombination = (): Term[] => {
    const nTerms = data.readUInt32LE(pos);
    pos += 4;
    const terms = new Array<Term>(nTerms);
    for (let i = 0; i < nTerms; i++) {
      terms[i] = { wire: data.readUInt32LE(pos), coef: readU256LE(data, pos + 4) };
      pos += 4 + FR_BYTES;
    }
    return terms;
  };
  const constraints = new Array<Constraint>(nConstraints);
  for (let c = 0; c < nConstraints; c++) {
    constraints[c] = [readLinearCombination(), readLinearCombination(), readLinearCombination()];
  }
  if (pos !== data.length) throw new Error('r1cs: constraints section has trailing bytes');
  return constraints;
}
