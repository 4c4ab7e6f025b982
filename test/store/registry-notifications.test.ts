import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keptRegistry } from '../../src/store/kept-registry.js';
import { migrate } from '../../src/store/migrate.js';
import { createPgSql } from '../../src/store/pg-sql.js';
import { REGISTRY_CHANNEL } from '../../src/store/registry-notifications.js';
import { createSqlRegistryStore } from '../../src/store/sql-registry-store.js';
import type { Sql } from '../../src/store/sql.js';
import { postgresSkipReason, startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { counted, HZ_MCH_BATCH, HZ_MCH_LICENCE } from './counted-registry.js';
import { createDatabase } from './postgres-target.js';

/**
 * Registry reads kept on a PostgreSQL server (docs/design.md#registry-cache), against a real server:
 * a replica keeps its answers while it listens; an import committed by another process (the CLI, or
 * another replica) is heard and served at once — well before REGISTRY_CACHE_MAX_AGE_MS; when the
 * listening connection is lost every read goes to the database (an import meanwhile is served), and
 * once it listens again answers are kept again.
 */
const skipReason = postgresSkipReason('test/store/registry-notifications');

interface Line {
  readonly level: 'info' | 'warn';
  readonly msg: string;
}

/** `expect.poll` every 10 ms for at most `timeout` ms, named for its failure message. */
const within = (timeout: number, message: string) => ({ timeout, interval: 10, message });

describe.skipIf(Boolean(skipReason))(`registry reads kept on PostgreSQL${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let server: PostgresServer | undefined;
  const opened: Sql[] = [];
  const stops: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    for (const stop of stops.splice(0)) await stop();
    await Promise.all(opened.map((s) => s.close()));
    server?.stop();
  });

  /** A replica's kept registry over its own pool, and the CLI's registry over another, on a fresh database. */
  async function setUp(relistenDelayMs: number) {
    const url = await createDatabase(server!);
    const replicaSql = createPgSql(url);
    const cliSql = createPgSql(url);
    opened.push(replicaSql, cliSql);
    await migrate(cliSql);
    const lines: Line[] = [];
    const logger = {
      info: (msg: string) => void lines.push({ level: 'info', msg }),
      warn: (_fields: object, msg: string) => void lines.push({ level: 'warn', msg }),
    } as unknown as Parameters<typeof keptRegistry>[1]['logger'];
    const inner = counted(createSqlRegistryStore(replicaSql));
    const { registry, stopListening } = keptRegistry(inner.store, {
      engine: 'postgres',
      databaseUrl: url,
      connectTimeoutMs: 5_000,
      logger,
      relistenDelayMs,
    });
    stops.push(stopListening);
    /** Whether a repeated question is answered from memory (the cache serves). */
    const keeps = async (): Promise<boolean> => {
      const before = inner.reads();
      await registry.organization('org-probe');
      await registry.organization('org-probe');
      return inner.reads() - before < 2;
    };
    return { registry, reads: inner.reads, cli: createSqlRegistryStore(cliSql), cliSql, lines, keeps };
  }

  it('keeps answers while listening, and serves an import made by another process as soon as it is heard', async () => {
    const { registry, reads, cli, keeps } = await setUp(1_000);
    await expect.poll(keeps, within(10_000, 'the replica listens')).toBe(true);
    expect(await registry.findOrganization({ identifiers: [HZ_MCH_LICENCE] })).toEqual({ outcome: 'not-found' });
    const before = reads();
    expect(await registry.findOrganization({ identifiers: [HZ_MCH_LICENCE] })).toEqual({ outcome: 'not-found' });
    expect(reads()).toBe(before);

    await cli.upsert(HZ_MCH_BATCH);
    // Heard within a few ms here; the bound only keeps a slow machine from failing the test. Without
    // the notification the stale "not found" would be kept for REGISTRY_CACHE_MAX_AGE_MS (10 s).
    await expect
      .poll(async () => (await registry.findOrganization({ identifiers: [HZ_MCH_LICENCE] })).outcome, within(3_000, 'the import is served'))
      .toBe('found');
    expect(await registry.practitioner('pr-wang-fang')).toMatchObject({ name: '王芳', organizationIds: ['org-hz-mch'] });
    const kept = reads();
    await registry.practitioner('pr-wang-fang');
    expect(reads()).toBe(kept);
  });

  it('listening lost: reads go to the database and an import meanwhile is served; heard again, answers are kept again', async () => {
    const { registry, reads, cli, cliSql, lines, keeps } = await setUp(3_000);
    const hzMchName = async () => (await registry.organization('org-hz-mch'))?.name;
    const logged = (level: Line['level'], start: string) => () => lines.some((l) => l.level === level && l.msg.startsWith(start));
    await expect.poll(keeps, within(10_000, 'the replica listens')).toBe(true);
    await cli.upsert(HZ_MCH_BATCH);
    await expect.poll(hzMchName, within(3_000, 'the import is served')).toBe('杭州市妇幼保健院');

    const [killed] = await cliSql.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query = $1`,
      [`LISTEN ${REGISTRY_CHANNEL}`],
    );
    expect(killed?.n).toBe(1);
    await expect.poll(logged('warn', 'registry change notifications lost'), within(3_000, 'the loss is logged')).toBe(true);

    // Not listening: nothing is kept, so an import no one heard is served at once.
    await cli.upsert({ ...HZ_MCH_BATCH, organizations: [{ ...HZ_MCH_BATCH.organizations[0]!, name: '杭州市妇女儿童医院' }] });
    const before = reads();
    expect(await hzMchName()).toBe('杭州市妇女儿童医院');
    expect(await hzMchName()).toBe('杭州市妇女儿童医院');
    expect(reads()).toBe(before + 2);

    await expect.poll(logged('info', 'registry change notifications heard again'), within(10_000, 'listening again')).toBe(true);
    await expect.poll(keeps, within(3_000, 'answers kept again')).toBe(true);
    await cli.upsert({ ...HZ_MCH_BATCH, organizations: [{ ...HZ_MCH_BATCH.organizations[0]!, name: '杭州市妇幼保健院' }] });
    await expect.poll(hzMchName, within(3_000, 'the next import is heard')).toBe('杭州市妇幼保健院');
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
  });
});
