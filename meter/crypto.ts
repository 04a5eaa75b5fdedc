/**
 * Poseidon and EdDSA (Baby Jubjub) exactly as circomlib's circuits compute them, via circomlibjs.
 * The builders compile WebAssembly, so they are created once and shared. circomlibjs is imported on first
 * use: its entry loads ethers and every contract generator (~0.4 s), which a command that never hashes skips.
 * The household page's bundle maps this import to circomlibjs's WebAssembly Poseidon module alone
 * (web/vite.config.ts): the rest of the entry needs Node.
 */
type Poseidon = Awaited<ReturnType<typeof import('circomlibjs').buildPoseidon>>;
type Eddsa = Awaited<ReturnType<typeof import('circomlibjs').buildEddsa>>;

let poseidonPromise: Promise<Poseidon> | undefined;
let eddsaPromise: Promise<Eddsa> | undefined;

export function getPoseidon(): Promise<Poseidon> {
  poseidonPromise ??= import('circomlibjs').then((c) => c.buildPoseidon());
  return poseidonPromise;
}

export function getEddsa(): Promise<Eddsa> {
  eddsaPromise ??= import('circomlibjs').then((c) => c.buildEddsa());
  return eddsaPromise;
}

/** Poseidon over field elements, returned as a bigint. */
export async function poseidonHash(inputs: readonly bigint[]): Promise<bigint> {
  const poseidon = await getPoseidon();
  return poseidon.F.toObject(poseidon(inputs as bigint[])) as bigint;
}

export interface Signature {
  R8x: bigint;
  R8y: bigint;
  S: bigint;
}

export async function publicKeyOf(privateKey: Uint8Array): Promise<[bigint, bigint]> {
  const eddsa = await getEddsa();
  const A = eddsa.prv2pub(Buffer.from(privateKey));
  return [eddsa.F.toObject(A[0]) as bigint, eddsa.F.toObject(A[1]) as bigint];
}

export async function signMessage(privateKey: Uint8Array, message: bigint): Promise<Signature> {
  const eddsa = await getEddsa();
  const sig = eddsa.signPoseidon(Buffer.from(privateKey), eddsa.F.e(message));
  return { R8x: eddsa.F.toObject(sig.R8[0]) as bigint, R8y: eddsa.F.toObject(sig.R8[1]) as bigint, S: sig.S as bigint };
}

export async function verifySignature(publicKey: [bigint, bigint], message: bigint, sig: Signature): Promise<boolean> {
  const eddsa = await getEddsa();
  const F = eddsa.F;
  return eddsa.verifyPoseidon(F.e(message), { R8: [F.e(sig.R8x), F.e(sig.R8y)], S: sig.S }, [F.e(publicKey[0]), F.e(publicKey[1])]);
}
