/**
 * Micro-benchmark of audit writes: N sequential and N concurrent `recordHookCall`s (the typical
 * record of test/store/audit-fixtures.ts: 2 findings, 1 card, 2 suggestions, 1 rule error, 1 notice)
 * on PGlite in a temp data directory and, when the PostgreSQL binaries are present, on a throwaway
 * server (fsync=on). Also times the floor: an empty transaction and one single-row INSERT.
 * Prints one JSON line per engine.
 *
 *   node --import tsx test/bench/store-write.ts [N=200] [concurrency=10] [pglite|postgres|both]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore, type OpenedStore } from '../../src/store/create-store.js';
import { hookCall, notice } from '../store/audit-fixtures.js';
import { createDatabase } from '../store/postgres-target.js';
import { postgresAvailability, startPostgres } from '../support/postgres-server.js';

const n = Number(process.argv[2] ?? 200);
const concurrency = Number(process.argv[3] ?? 10);
const which = process.argv[4] ?? 'both';

const record = () => hookCall({ institutionId: 'bench', notice: notice({ institutionId: 'bench' }) });

async function timed(label: string, count: number, fn: () => Promise<void>): Promise<Record<string, number | string>> {
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  return { label, count, ms: Math.round(ms), perSec: Math.round((count / ms) * 1000), msPer: Number((ms / count).toFixed(2)) };
}

async function measure(engine: string, store: OpenedStore): Promise<void> {
  await store.sql.query('CREATE TEMP TABLE IF NOT EXISTS bench_floor (x int)');
  for (let i = 0; i < 20; i += 1) await store.audit.recordHookCall(record()); // warm-up
  const results = [
    await timed('empty-transaction', n, async () => {
      for (let i = 0; i < n; i += 1) await store.sql.transaction(async () => undefined);
    }),
    await timed('single-insert-autocommit', n, async () => {
      for (let i = 0; i < n; i += 1)
        await store.sql.query('INSERT INTO jti_seen (iss, jti, expires_at) VALUES ($1, $2, now())', [
          'bench',
          `${engine}-${i}-${Math.random()}`,
        ]);
    }),
    await timed('recordHookCall-sequential', n, async () => {
      for (let i = 0; i < n; i += 1) await store.audit.recordHookCall(record());
    }),
    await timed(`recordHookCall-concurrent-${concurrency}`, n, async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < n) {
            next += 1;
            await store.audit.recordHookCall(record());
          }
        }),
      );
    }),
    await timed(`recordHookCall-burst-${n}`, n, async () => {
      await Promise.all(Array.from({ length: n }, () => store.audit.recordHookCall(record())));
    }),
  ];
  const [row] = await store.sql.query<{ count: number }>("SELECT count(*)::int AS count FROM hook_call WHERE institution_id = 'bench'");
  console.log(JSON.stringify({ engine, stored: row?.count, results }));
}

if (which !== 'postgres') {
  const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
  const store = await createStore({ databaseUrl: undefined, dataDir: join(dir, 'data') });
  try {
    await measure('pglite', store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (which !== 'pglite') {
  const found = postgresAvailability();
  if (!found.ok) {
    console.log(JSON.stringify({ engine: 'postgres', skipped: found.reason }));
  } else {
    const server = await startPostgres();
    try {
      const store = await createStore({ databaseUrl: await createDatabase(server), dataDir: './unused' });
      try {
        await measure('postgres', store);
      } finally {
        await store.close();
      }
    } finally {
      server.stop();
    }
  }
}
