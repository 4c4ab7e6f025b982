import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/create-store.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { createPgliteSql, MEMORY_DATA_DIR } from '../../src/store/pglite-sql.js';
import { readTemplate } from '../../src/store/pglite-template.js';
import type { Sql } from '../../src/store/sql.js';
import { auditStoreContract, type FreshDatabase } from './audit-store.contract.js';
import { acknowledgement, feedback, hookCall, notice, period } from './audit-fixtures.js';

/** PGlite is one connection: a "second replica" is the same instance (its close is the owner's). */
function sharing(sql: Sql): FreshDatabase {
  return { sql, another: async () => ({ ...sql, close: async () => undefined }) };
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pglite-store-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

auditStoreContract('PGlite in memory', () => ({ fresh: async () => sharing(await createPgliteSql(MEMORY_DATA_DIR)) }));
auditStoreContract('PGlite in a data directory', () => ({ fresh: async () => sharing(await createPgliteSql(join(tempDir(), 'data'))) }));

describe('PGlite store in DATA_DIR', () => {
  it('keeps every record across close and reopen', async () => {
    const config = { databaseUrl: undefined, dataDir: join(tempDir(), 'nested', 'data') };
    const first = await createStore(config);
    expect(first.engine).toBe('pglite');
    // Every migration is applied at the first start — or was already, in the template built by
    // `npm run build` (src/store/pglite-template.ts) when there is one for this code.
    expect(first.migration.applied).toEqual(readTemplate() ? [] : MIGRATIONS.map((m) => m.version));
    expect(first.migration.version).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    const n = notice({ institutionId: 'org-reopen' });
    const call = hookCall({ institutionId: 'org-reopen', notice: n });
    await first.audit.recordHookCall(call);
    await first.audit.append([feedback(call.cards[0]!.uuid)]);
    const ack = acknowledgement(n.id);
    await first.audit.appendAcknowledgement(ack);
    await first.close();
    await first.close();

    const second = await createStore(config);
    try {
      expect(second.migration.applied).toEqual([]);
      expect(await second.audit.get(n.id)).toEqual(n);
      expect(await second.audit.listHookCalls(period('org-reopen'))).toHaveLength(1);
      expect(await second.audit.listFindings(period('org-reopen'))).toHaveLength(2);
      expect(await second.audit.listFeedback(period('org-reopen'))).toHaveLength(1);
      expect(await second.audit.appendAcknowledgement(ack)).toEqual({ status: 'repeat', acknowledgement: ack });
    } finally {
      await second.close();
    }
  }, 90_000);
});
