/** Types of scripts/release.mjs (plain JavaScript: it runs before anything is compiled). */
export declare const SOURCES: readonly string[];
export declare function release(outDir?: string): string;
