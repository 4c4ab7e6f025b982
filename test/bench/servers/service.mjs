// Our service from the built JS (dist/), composed exactly as src/main.ts does (the store starts opening,
// then compose() + createApp() load; embedded PGlite store in DATA_DIR, audit on). Extras for the harness only: SIGUSR2 writes the
// active handles/resources and memoryUsage (after a GC with --expose-gc) to BENCH_HANDLES_FILE; SIGTERM/SIGINT close the server and the store, then
// exit 0 (so --cpu-prof writes its profile).
import process from 'node:process';
import { writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import { announcePort } from './fixed-card.mjs';
import { loadConfig } from '../../../dist/src/config/load.js';
import { createLogger } from '../../../dist/src/log.js';
import { createStore } from '../../../dist/src/store/create-store.js';

const config = loadConfig(process.env);
const logger = createLogger(config);
const store = createStore(config);
store.catch(() => undefined);
const [{ compose }, { createApp }] = await Promise.all([import('../../../dist/src/compose.js'), import('../../../dist/src/app.js')]);
// The background summary refresh too, as src/main.ts starts it (docs/design.md#qc-summary): a round
// put off while the calls keep the event loop busy still runs within SUMMARY_MAX_DELAY_MS.
const composition = await compose(config, logger, { store, refreshSummary: true });
const server = createApp(composition.deps).listen(config.port, config.host);
announcePort(server);

process.on('SIGUSR2', () => {
  const counts = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  // Memory after a full GC when the harness started us with --expose-gc: live JS heap vs the rest.
  globalThis.gc?.();
  const m = process.memoryUsage();
  const memoryMiB = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round((v / 1048576) * 10) / 10]));
  const heapSpacesMiB = Object.fromEntries(
    getHeapSpaceStatistics()
      .filter((s) => s.space_used_size > 0)
      .map((s) => [s.space_name, Math.round((s.space_used_size / 1048576) * 10) / 10]),
  );
  if (process.env.BENCH_HANDLES_FILE)
    writeFileSync(process.env.BENCH_HANDLES_FILE, JSON.stringify({ ...counts, memoryMiB, heapSpacesMiB }));
});
const bye = () => {
  server.close(() =>
    composition.close().then(
      () => process.exit(0),
      () => process.exit(1),
    ),
  );
  server.closeAllConnections();
};
process.once('SIGTERM', bye);
process.once('SIGINT', bye);
