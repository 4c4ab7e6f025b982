import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditStore } from '../../src/store/audit-store.js';
import { migrate } from '../../src/store/migrate.js';
import { createPgliteSql } from '../../src/store/pglite-sql.js';
import type { Sql } from '../../src/store/sql.js';
import type { Harness } from '../support/app-fixture.js';
import { goodReferral, pathsOf, tried, Violations, withValueAt } from './support/fuzz-check.js';
import { buildRealHarness } from './support/real-app.js';

/**
 * Bad input against `POST /notices/{id}/acknowledgement` on the real audit store (in-memory
 * PGlite): generated bodies, every member of a valid body set to a wrong type, hostile notice ids.
 */
let sql: Sql;
let h: Harness;
let noticeId = '';
const json = fc.jsonValue({ maxDepth: 3 });
const valid = (): Record<string, unknown> => ({
  id: 'ack-1',
  signer: { kind: 'family-member', name: '王<b>强</b>', relationship: 'husband' },
  decision: 'accepted-referral',
  // The notice is issued at the fixed clock's now (02:00Z); a signature is not dated before it.
  signedAt: '2026-11-23T02:03:00Z',
  recordedBy: 'Practitioner/pr-1',
});

beforeAll(async () => {
  sql = await createPgliteSql('memory://');
  await migrate(sql);
  const audit = createAuditStore(sql);
  h = buildRealHarness(
    {},
    {
      notices: audit,
      feedback: audit,
      audit,
      recordHookCall: async (rec) => {
        await audit.recordHookCall(rec);
      },
    },
  );
  const res = await request(h.app).post('/cds-services/prenatal-diagnosis-referral').send(goodReferral());
  noticeId =
    new URL((res.body as { cards: { links: { url: string }[] }[] }).cards[0]?.links[0]?.url ?? '').pathname.split('/').at(-1) ?? '';
});

afterAll(async () => {
  await sql.close();
  console.log(`[fuzz] acknowledgement: ${tried.count} bad inputs tried`);
});

const ack = (body: unknown, id = noticeId) =>
  request(h.app)
    .post(`/notices/${id}/acknowledgement`)
    .send(body as object);

describe('POST /notices/{id}/acknowledgement under bad input', () => {
  it('a valid acknowledgement is stored (201), then repeats are 200', async () => {
    expect((await ack(valid())).status).toBe(201);
    expect((await ack(valid())).status).toBe(200);
  });

  it('any JSON body, and every member of a valid body set to wrong types', async () => {
    const v = new Violations(h);
    await fc.assert(
      fc.asyncProperty(json, async (body) => {
        v.check(
          await request(h.app)
            .post(`/notices/${noticeId}/acknowledgement`)
            .set('content-type', 'application/json')
            .send(JSON.stringify(body)),
          JSON.stringify(body),
        );
      }),
      { numRuns: 200 },
    );
    for (const path of pathsOf(valid())) {
      for (const value of [null, 0, '', 'x'.repeat(300), [], {}, undefined, '2026-02-30T00:00:00Z', '2999-01-01T00:00:00Z', '<script>']) {
        v.check(await ack(withValueAt({ ...valid(), id: 'ack-x' }, path, value)), `${path.join('.')} = ${JSON.stringify(value)}`);
      }
    }
    v.assertNone();
  });

  it('hostile notice ids: unknown, malformed, traversal → 404, never 5xx', async () => {
    const v = new Violations(h);
    const ids = ['9e2f4c2e-2b0a-4d5c-8c11-0b8f3a1d2e77', 'x', '..%2f..%2fqc', '%00', encodeURIComponent("1' or '1'='1"), 'a'.repeat(3000)];
    const statuses: string[] = [];
    for (const id of ids) {
      const res = await ack({ ...valid(), id: 'ack-y' }, id);
      v.check(res, id.slice(0, 40));
      statuses.push(`${id.slice(0, 40)} → ${res.status}`);
    }
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 60 }).map(encodeURIComponent), async (id) => {
        v.check(await ack({ ...valid(), id: 'ack-z' }, id), id);
      }),
      { numRuns: 100 },
    );
    expect(statuses).toEqual(ids.map((id) => `${id.slice(0, 40)} → 404`));
    v.assertNone();
  });
});
