import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startFhirStub, type FhirStub } from '../fhir/support/fhir-stub.js';
import { goodReferral } from '../fuzz/support/fuzz-check.js';
import { composeForTest, type Composed } from './support/composed.js';

/**
 * The EHR's JWT and `fhirAuthorization.access_token` are never logged (trace level, every line)
 * and never stored (every row of every table of the real audit store after the calls).
 */
const PATH = '/cds-services/prenatal-diagnosis-referral';
const ACCESS_TOKEN = 'at-9f3c1e7a-SECRET-5b2d-4c8e-a1f0';
let stub: FhirStub;
let c: Composed;
const jwts: string[] = [];

beforeAll(async () => {
  const base = goodReferral();
  stub = await startFhirStub({
    '/fhir/Observation?patient=p-zhang-li-1989&_count=1000': json(base.prefetch.observations),
    '/fhir/Condition?patient=p-zhang-li-1989&_count=1000': json({ resourceType: 'OperationOutcome', issue: [] }, 500),
  });
  c = await composeForTest([`${stub.fhirServer}/`]);
});

afterAll(async () => {
  await c.close();
  await stub.close();
});

async function call(path: string, body: unknown, token?: string): Promise<request.Response> {
  const jwt = token ?? (await c.token(path));
  jwts.push(jwt);
  return request(c.app)
    .post(path)
    .set('authorization', `Bearer ${jwt}`)
    .send(body as object);
}

function withFetch(drop: string): Record<string, unknown> {
  const body: Record<string, unknown> & { prefetch: Record<string, unknown> } = {
    ...goodReferral(),
    fhirServer: stub.fhirServer,
    fhirAuthorization: { access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 300, scope: 'user/*.read', subject: 'cds' },
  };
  body.prefetch = { ...body.prefetch };
  delete body.prefetch[drop];
  return body;
}

describe('tokens are neither logged nor stored', () => {
  it('after a fetched call (200), a failed fetch (412), a rejected JWT (401) and feedback', async () => {
    const ok = await call(PATH, withFetch('observations'));
    expect(ok.status).toBe(200);
    expect(stub.calls.map((x) => x.authorization)).toContain(`Bearer ${ACCESS_TOKEN}`);
    const failed = await call(PATH, withFetch('conditions'));
    expect(failed.status).toBe(412);
    const wrongAud = await c.token('/cds-services/nipt-order-check');
    expect((await call(PATH, withFetch('observations'), wrongAud)).status).toBe(401);
    const replayed = jwts[0] as string;
    expect((await call(PATH, withFetch('observations'), replayed)).status).toBe(401);
    const card = (ok.body as { cards: { uuid: string; suggestions: { uuid: string }[] }[] }).cards[0];
    const feedback = {
      feedback: [
        {
          card: card?.uuid,
          outcome: 'accepted',
          acceptedSuggestions: [{ id: card?.suggestions[0]?.uuid }],
          outcomeTimestamp: '2026-11-23T02:00:00Z',
        },
      ],
    };
    expect((await call(`${PATH}/feedback`, feedback)).status).toBe(200);

    const secrets = [ACCESS_TOKEN, ...jwts, ...jwts.map((j) => j.split('.')[2] as string)];
    expect(c.lines.length).toBeGreaterThan(5);
    const logText = c.lines.join('\n');
    for (const s of secrets) expect(logText.includes(s), `a token is in the log`).toBe(false);

    const sql = c.composition.store.sql;
    const tables = await sql.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
      [],
    );
    expect(tables.length).toBeGreaterThan(3);
    let rows = 0;
    for (const { table_name: t } of tables) {
      const all = await sql.query(`select * from "${t.replaceAll('"', '""')}"`, []);
      rows += all.length;
      const text = JSON.stringify(all);
      for (const s of secrets) expect(text.includes(s), `a token is stored in table ${t}`).toBe(false);
    }
    expect(rows).toBeGreaterThan(2);
  });
});
