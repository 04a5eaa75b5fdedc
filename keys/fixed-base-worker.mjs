// @ts-check
// Worker thread for fixed-base.ts: computes s_i * G for many scalars s_i and the generator G of
// BN254 G1 or G2, with a precomputed window table (s*G = sum_j d_j * (2^(w*j) * G) needs one
// mixed addition per non-zero w-bit digit d_j instead of ~380 group operations of a generic
// scalar multiplication). The arithmetic is ffjavascript's own wasm (the module code is sent
// by the parent); this file only drives it.
//
// Plain JavaScript on purpose: worker threads do not inherit tsx's loader.

import { parentPort } from 'node:worker_threads';

const SCALAR_BYTES = 32;
const SCALAR_BITS = 254;

/** @typedef {{ prefix: string, affine: number, jacobian: number, pGen: number }} GroupSpec */

/** @type {WebAssembly.Exports & Record<string, (...args: number[]) => void>} */
let wasm;
/** @type {WebAssembly.Memory} */
let memory;
/** @type {Record<string, GroupSpec>} */
let groups;
let windowBits = 10;
/** @type {Map<string, number>} table pointer per group */
const tables = new Map();
/** Start of per-job scratch memory (everything below holds code data and tables). */
let scratchStart = 0;

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);

port.on('message', async (msg) => {
  if (msg.type === 'init') {
    await init(msg);
    port.postMessage({ type: 'ready' });
  } else if (msg.type === 'mul') {
    const { lem, uncompressed } = multiply(msg.group, msg.scalars);
    port.postMessage({ type: 'done', id: msg.id, lem, uncompressed }, [lem.buffer, uncompressed.buffer]);
  }
});

/** @param {{ code: Uint8Array<ArrayBuffer>, pG1gen: number, pG2gen: number, windowBits: number }} msg */
async function init(msg) {
  memory = new WebAssembly.Memory({ initial: 256 });
  const instance = await WebAssembly.instantiate(await WebAssembly.compile(msg.code), { env: { memory } });
  wasm = /** @type {any} */ (instance.exports);
  windowBits = msg.windowBits;
  groups = {
    G1: { prefix: 'g1m_', affine: 64, jacobian: 96, pGen: msg.pG1gen },
    G2: { prefix: 'g2m_', affine: 128, jacobian: 192, pGen: msg.pG2gen },
  };
  // Word 0 of the module's memory is its own bump-allocator pointer; allocate above it.
  scratchStart = new Uint32Array(memory.buffer)[0];
}

/**
 * Reserves [.., end) for our data. Wasm routines such as batchToAffine take temporary space from the
 * module's allocator pointer (word 0), so it must point past our data, with room for their temporaries.
 * @param {number} end
 * @param {number} tempBytes
 */
function reserve(end, tempBytes) {
  const free = (end + 7) & ~7;
  const missing = free + tempBytes - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / 65536));
  new Uint32Array(memory.buffer)[0] = free;
}

const nWindows = () => Math.ceil(SCALAR_BITS / windowBits);
const digitsPerWindow = () => (1 << windowBits) - 1;

/** Table entry (j, d) = d * 2^(w*j) * G, affine, for digits d = 1 .. 2^w - 1. */
function buildTable(/** @type {GroupSpec} */ g) {
  const per = digitsPerWindow();
  const pTable = scratchStart;
  const pBase = pTable + nWindows() * per * g.affine;
  const pRow = pBase + g.jacobian;
  reserve(pRow + per * g.jacobian, per * g.jacobian);
  wasm[g.prefix + 'copy'](g.pGen, pBase);
  for (let j = 0; j < nWindows(); j++) {
    wasm[g.prefix + 'copy'](pBase, pRow);
    for (let d = 1; d < per; d++) wasm[g.prefix + 'add'](pRow + (d - 1) * g.jacobian, pBase, pRow + d * g.jacobian);
    wasm[g.prefix + 'batchToAffine'](pRow, per, pTable + j * per * g.affine);
    for (let k = 0; k < windowBits; k++) wasm[g.prefix + 'double'](pBase, pBase);
  }
  scratchStart = pBase;
  return pTable;
}

/**
 * @param {'G1' | 'G2'} groupName
 * @param {Uint8Array} scalars 32-byte little-endian integers below 2^254
 */
function multiply(groupName, scalars) {
  const g = groups[groupName];
  if (!tables.has(groupName)) tables.set(groupName, buildTable(g));
  const pTable = /** @type {number} */ (tables.get(groupName));
  const n = scalars.byteLength / SCALAR_BYTES;
  const pAcc = scratchStart;
  const pAffine = pAcc + n * g.jacobian;
  const pUncompressed = pAffine + n * g.affine;
  reserve(pUncompressed + n * g.affine, n * g.jacobian);

  const view = new DataView(scalars.buffer, scalars.byteOffset, scalars.byteLength);
  const addMixed = wasm[g.prefix + 'addMixed'];
  const per = digitsPerWindow();
  const mask = per;
  for (let i = 0; i < n; i++) {
    const acc = pAcc + i * g.jacobian;
    wasm[g.prefix + 'zero'](acc);
    for (let j = 0; j < nWindows(); j++) {
      // Read the 32-bit word holding this window, never past the scalar's 32 bytes.
      const bit = j * windowBits;
      const byte = Math.min(bit >>> 3, SCALAR_BYTES - 4);
      const d = (view.getUint32(i * SCALAR_BYTES + byte, true) >>> (bit - 8 * byte)) & mask;
      if (d !== 0) addMixed(acc, pTable + (j * per + d - 1) * g.affine, acc);
    }
  }
  scalars.fill(0); // derived from toxic waste: do not keep it around longer than needed

  wasm[g.prefix + 'batchToAffine'](pAcc, n, pAffine);
  wasm[g.prefix + 'batchLEMtoU'](pAffine, n, pUncompressed);
  const u8 = new Uint8Array(memory.buffer);
  const lem = u8.slice(pAffine, pAffine + n * g.affine);
  const uncompressed = u8.slice(pUncompressed, pUncompressed + n * g.affine);
  u8.fill(0, pAcc, pUncompressed + n * g.affine);
  return { lem, uncompressed };
}
