/** A meter's identity: its id and EdDSA (Baby Jubjub, Poseidon) key pair, stored as JSON. */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { publicKeyOf } from './crypto.js';
import { assertMeterId } from './meter-id.js';

export const METER_KEY_FORMAT = 'meterproof-meter-key/1';

export interface MeterKey {
  meterId: string;
  privateKey: Uint8Array;
  publicKey: [bigint, bigint];
}

const decimal = z.string().regex(/^\d+$/, 'expected a decimal integer string');
const MeterKeyFile = z.object({
  format: z.literal(METER_KEY_FORMAT),
  meterId: z.string(),
  privateKey: z.string().regex(/^[0-9a-f]{64}$/, 'expected 32 bytes of hex'),
  publicKey: z.tuple([decimal, decimal]),
});

export async function generateMeterKey(meterId: string): Promise<MeterKey> {
  assertMeterId(meterId);
  const privateKey = randomBytes(32);
  return { meterId, privateKey, publicKey: await publicKeyOf(privateKey) };
}

export function meterKeyToJson(key: MeterKey): z.infer<typeof MeterKeyFile> {
  return {
    format: METER_KEY_FORMAT,
    meterId: key.meterId,
    privateKey: Buffer.from(key.privateKey).toString('hex'),
    publicKey: [key.publicKey[0].toString(), key.publicKey[1].toString()],
  };
}

export async function parseMeterKey(json: unknown): Promise<MeterKey> {
  const parsed = MeterKeyFile.safeParse(json);
  if (!parsed.success) throw new Error(`invalid meter key file: ${z.prettifyError(parsed.error)}`);
  const { meterId, privateKey, publicKey } = parsed.data;
  assertMeterId(meterId);
  const key: MeterKey = { meterId, privateKey: Buffer.from(privateKey, 'hex'), publicKey: [BigInt(publicKey[0]), BigInt(publicKey[1])] };
  const derived = await publicKeyOf(key.privateKey);
  if (derived[0] !== key.publicKey[0] || derived[1] !== key.publicKey[1]) {
    throw new Error('invalid meter key file: the public key does not match the private key');
  }
  return key;
}

export function writeMeterKey(path: string, key: MeterKey): void {
  writeFileSync(path, JSON.stringify(meterKeyToJson(key), null, 2) + '\n', { mode: 0o600 });
}

export async function readMeterKey(path: string): Promise<MeterKey> {
  return parseMeterKey(JSON.parse(readFileSync(path, 'utf8')));
}
