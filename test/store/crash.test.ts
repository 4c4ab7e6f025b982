import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/create-store.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { startLoad, type Acknowledged } from './load-child.js';
import { createDatabase } from './postgres-target.js';

/**
 * Crash safety: whatever the store acknowledged (a printed id, printed only after its commit)
 * survives a SIGKILL of the writing process — and, on a server, an immediate shutdown of PostgreSQL.
 */
const ACKS_BEFORE_CRASH = 40;
/** Hook calls come from 16 concurrent writers: enough to be killed mid-batch many times over. */
const HOOK_CALLS_BEFORE_CRASH = 300;

async function expectAllStored(config: { databaseUrl: string | undefined; dataDir: string }, seen: Acknowledged): Promise<void> {
  expect(seen.acks.length + seen.hookCalls.length).toBeGreaterThanOrEqual(ACKS_BEFORE_CRASH);
  const store = await createStore(config);
  try {
    const acks = new Set((await store.sql.query<{ id: string }>('SELECT id FROM notice_acknowledgement')).map((r) => r.id));
    const cards = new Set((await store.sql.query<{ card_uuid: string }>('SELECT card_uuid FROM feedback')).map((r) => r.card_uuid));
    expect(seen.acks.filter((id) => !acks.has(id))).toEqual([]);
    expect(seen.feedbackCards.filter((c) => !cards.has(c))).toEqual([]);
    const calls = new Set((await store.sql.query<{ id: string }>('SELECT id::text AS id FROM hook_call')).map((r) => r.id));
    const notices = new Map(
      (await store.sql.query<{ id: string; hook_call_id: string }>('SELECT id, hook_call_id::text AS hook_call_id FROM notice')).map(
        (r) => [r.id, r.hook_call_id],
      ),
    );
    expect(seen.hookCalls.filter(([id]) => !calls.has(id))).toEqual([]);
    expect(seen.hookCalls.filter(([id, noticeId]) => notices.get(noticeId) !== id)).toEqual([]);
  } finally {
    await store.close();
  }
}

describe('crash safety: PGlite in a data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pglite-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every acknowledged write survives a SIGKILL of the writing process', async () => {
    const config = { databaseUrl: undefined, dataDir: join(dir, 'data') };
    const load = startLoad('pglite', config.dataDir);
    await load.acknowledged(ACKS_BEFORE_CRASH);
    await load.kill();
    expect(load.child.signalCode).toBe('SIGKILL');
    await expectAllStored(config, load.seen);
  }, 90_000);

  it('every resolved recordHookCall survives a SIGKILL amid concurrent group-committed writers', async () => {
    const config = { databaseUrl: undefined, dataDir: join(dir, 'data-hook-calls') };
    const load = startLoad('pglite', config.dataDir, 'record-loop.ts');
    await load.acknowledged(HOOK_CALLS_BEFORE_CRASH);
    await load.kill();
    expect(load.child.signalCode).toBe('SIGKILL');
    expect(load.seen.hookCalls.length).toBeGreaterThanOrEqual(HOOK_CALLS_BEFORE_CRASH);
    await expectAllStored(config, load.seen);
  }, 90_000);
});

const skipReason = postgresSkipReason('test/store/crash');

describe.skipIf(Boolean(skipReason))(`crash safety: PostgreSQL server${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server?.stop());

  it('every acknowledged write survives a SIGKILL of the client process', async () => {
    const config = { databaseUrl: await createDatabase(server!), dataDir: './unused' };
    const load = startLoad('postgres', config.databaseUrl);
    await load.acknowledged(ACKS_BEFORE_CRASH);
    await load.kill();
    expect(load.child.signalCode).toBe('SIGKILL');
    await expectAllStored(config, load.seen);
  }, 90_000);

  it('every acknowledged write survives an immediate shutdown of the server and its restart', async () => {
    const config = { databaseUrl: await createDatabase(server!), dataDir: './unused' };
    const load = startLoad('postgres', config.databaseUrl);
    await load.acknowledged(ACKS_BEFORE_CRASH);
    server!.crash();
    await load.kill();
    server!.start();
    await expectAllStored(config, load.seen);
  }, 90_000);

  it('every resolved recordHookCall survives a SIGKILL amid concurrent group-committed writers', async () => {
    const config = { databaseUrl: await createDatabase(server!), dataDir: './unused' };
    const load = startLoad('postgres', config.databaseUrl, 'record-loop.ts');
    await load.acknowledged(HOOK_CALLS_BEFORE_CRASH);
    await load.kill();
    expect(load.child.signalCode).toBe('SIGKILL');
    await expectAllStored(config, load.seen);
  }, 90_000);

  it('every resolved recordHookCall survives an immediate shutdown of the server mid-batch', async () => {
    const config = { databaseUrl: await createDatabase(server!), dataDir: './unused' };
    const load = startLoad('postgres', config.databaseUrl, 'record-loop.ts');
    await load.acknowledged(HOOK_CALLS_BEFORE_CRASH);
    server!.crash();
    await load.kill();
    server!.start();
    await expectAllStored(config, load.seen);
  }, 90_000);
});
