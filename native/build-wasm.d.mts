/** Types of native/build-wasm.mjs (plain JavaScript so that it runs without tsx). */
export declare const WASM_CORE_DIR: string;
export declare const WASM_BUILDS: Record<'prover' | 'prover-mt', string[]>;
export declare const WASM_FILES: Record<'prover' | 'prover-mt', string[]>;
export declare function buildWasmCore(): Promise<{ built: true; cached: boolean; seconds: number } | { built: false; reason: string }>;
