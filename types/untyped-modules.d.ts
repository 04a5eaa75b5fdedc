// The cryptography packages ship no TypeScript declarations; these are the parts meterproof uses.
declare module 'circomlibjs' {
  export function buildPoseidon(): Promise<any>;
  export function buildEddsa(): Promise<any>;
  export function buildBabyjub(): Promise<any>;
}
declare module 'snarkjs' {
  export const groth16: any;
  export const plonk: any;
  export const fflonk: any;
  export const zKey: any;
  export const powersOfTau: any;
  export const r1cs: any;
  export const wtns: any;
}
declare module 'ffjavascript' {
  /** `plugins` is given ffjavascript's WebAssembly module builder before it builds */
  export function buildBn128(singleThread?: boolean, plugins?: (builder: unknown) => void): Promise<any>;
  export const Scalar: any;
  export const utils: any;
  export const BigBuffer: any;
  export const F1Field: any;
}
