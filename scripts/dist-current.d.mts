/** Types of scripts/dist-current.mjs (plain JavaScript so that it runs before any build). */
export declare function distIsCurrent(root: string): boolean;
