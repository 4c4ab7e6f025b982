import { readFile } from 'node:fs/promises';
import { systemClock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { runRegistryCli } from '../registry/cli.js';
import { createStore } from '../store/create-store.js';
import { createSqlRegistryStore } from '../store/sql-registry-store.js';
import { EXIT, type CliIo } from './io.js';
import { storeOpenProblem } from '../config/startup-problem.js';

/** `registry import <file>` / `registry report [--format]` on the configured store (DATA_DIR or DATABASE_URL). */
export async function registryCommand(argv: readonly string[], io: CliIo, config: Config): Promise<number> {
  let store;
  try {
    store = await createStore(config);
  } catch (e) {
    io.stderr(`registry: ${storeOpenProblem(config, e)}\n`);
    return EXIT.failed;
  }
  try {
    return await runRegistryCli(argv, {
      store: createSqlRegistryStore(store.sql),
      readFile: (path) => readFile(path, 'utf8'),
      stdout: io.stdout,
      stderr: io.stderr,
      now: systemClock(config.clinicTimeZone).now,
      policy: config.policy,
    });
  } finally {
    await store.close();
  }
}
