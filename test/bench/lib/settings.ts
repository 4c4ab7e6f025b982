import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** test-results/bench (git-ignored): results, logs, temp data, profiles. */
export const RESULTS_DIR = fileURLToPath(new URL('../../../test-results/bench/', import.meta.url));

/** A positive number from the environment, or the default. */
export function envNumber(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** A fresh work directory for one run (logs, autocannon configs, DATA_DIRs). */
export function runDir(kind: string): string {
  const dir = join(RESULTS_DIR, 'runs', `${kind}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}
