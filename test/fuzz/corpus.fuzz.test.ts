import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVICE_IDS } from '../../src/cds-hooks/hooks.js';
import { expectStillAnswers, goodReferral, pathsOf, tried, Violations, withValueAt } from './support/fuzz-check.js';
import { buildRealHarness, exampleRequest, outcomeCode } from './support/real-app.js';

/**
 * Hand-written corpus of hostile input (malformed JSON, media types, size and nesting bombs, wrong
 * types in every field, unknown hooks and ids, wrong prefetch resource types, huge Bundles, invalid
 * dates and quantities), through the real services.
 */
const LIMIT = 1024 * 1024;
const h = buildRealHarness({ BODY_LIMIT_BYTES: String(LIMIT) });
const REFERRAL = '/cds-services/prenatal-diagnosis-referral';
const WRONG_TYPES: readonly unknown[] = [null, 0, -1, 1.5e308, true, '', 'x', [], {}, [null], { resourceType: 'Basic' }];

afterAll(() => {
  console.log(`[fuzz] corpus: ${tried.count} bad inputs tried`);
});

/** Sends the exact bytes (superagent would JSON-encode a Buffer under a JSON content type). */
const post = (path: string, body: string | Buffer, type = 'application/json') =>
  request(h.app)
    .post(path)
    .set('content-type', type)
    .serialize((x: unknown) => x as string)
    .send(body);

describe('malformed bodies', () => {
  const malformed = [
    '',
    ' ',
    '{',
    '{"hook":',
    '[1,]',
    "{'hook':'patient-view'}",
    'NaN',
    'undefined',
    '{"a":1}{"b":2}',
    '\u0000',
    '{"hook":"patient-view",}',
    '{"a":"\\x41"}',
    '{"a":"\u0001"}',
    '// comment\n{}',
    '{"a":01}',
    '1e999999',
    '"\\ud800"',
    'null',
    'true',
    '[]',
    '"patient-view"',
  ];

  it('answers 400 malformed-json or invalid-request, never 5xx', async () => {
    const v = new Violations(h);
    for (const text of malformed) {
      for (const path of [REFERRAL, `${REFERRAL}/feedback`]) {
        const res = await post(path, text);
        v.check(res, JSON.stringify(text));
        expect(res.status, JSON.stringify(text)).toBe(400);
      }
    }
    for (const bytes of [
      Buffer.from([0xff, 0xfe, 0x7b]),
      Buffer.from([0x7b, 0xc3, 0x28, 0x7d]),
      Buffer.from('{"hook":"\xed\xa0\x80"}', 'latin1'),
    ]) {
      const res = await post(REFERRAL, bytes);
      v.check(res, bytes.toString('hex'));
      expect(outcomeCode(res.body)).toBe('malformed-json');
    }
    v.assertNone();
    await expectStillAnswers(h);
  });

  it('wrong content types → 415; fhir+json and charset are fine', async () => {
    const v = new Violations(h);
    for (const type of [
      'text/plain',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      'application/jsonx',
      'json',
    ]) {
      const res = await post(REFERRAL, JSON.stringify(goodReferral()), type);
      v.check(res, type);
      expect(outcomeCode(res.body), type).toBe('unsupported-media-type');
    }
    const noType = await request(h.app)
      .post(REFERRAL)
      .serialize((x: unknown) => x as string)
      .send(Buffer.from(JSON.stringify(goodReferral())));
    v.check(noType, 'no content type');
    expect(noType.status).toBe(415);
    for (const type of ['application/fhir+json', 'application/json; charset=utf-8', 'Application/JSON']) {
      const res = await post(REFERRAL, JSON.stringify(goodReferral()), type);
      expect(res.status, type).toBe(200);
    }
    v.assertNone();
  });

  it('huge bodies → 413 (declared, streamed, and a compressed bomb)', async () => {
    const v = new Violations(h);
    const big = JSON.stringify({ ...goodReferral(), padding: 'x'.repeat(LIMIT + 10) });
    const declared = await post(REFERRAL, big);
    v.check(declared, 'declared over limit');
    expect(outcomeCode(declared.body)).toBe('payload-too-large');
    const bomb = gzipSync(Buffer.from(`{"padding":"${'0'.repeat(20 * LIMIT)}"}`));
    const gz = await post(REFERRAL, bomb).set('content-encoding', 'gzip');
    v.check(gz, 'gzip bomb');
    expect(outcomeCode(gz.body)).toBe('payload-too-large');
    v.assertNone();
    await expectStillAnswers(h);
  });

  it('100k nested arrays / objects do not blow the stack → 4xx, and the app lives on', async () => {
    const v = new Violations(h);
    const depth = 100_000;
    const arrays = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const objects = `${'{"a":'.repeat(depth / 2)}1${'}'.repeat(depth / 2)}`;
    const inContext = JSON.stringify(goodReferral()).replace('"context":{', `"context":{"deep":${arrays},`);
    const inPrefetch = JSON.stringify(goodReferral()).replace('"prefetch":{', `"prefetch":{"deep":${objects},"patientX":${arrays},`);
    const inResource = JSON.stringify(goodReferral()).replace(
      '"resourceType":"Patient",',
      `"resourceType":"Patient","extension":${arrays},`,
    );
    for (const [label, body] of [
      ['arrays', arrays],
      ['objects', objects],
      ['in context', inContext],
      ['in prefetch', inPrefetch],
      ['in Patient', inResource],
    ]) {
      for (const path of [REFERRAL, `${REFERRAL}/feedback`, '/cds-services/special-technique-order-sign']) {
        const res = await post(path, body as string);
        v.check(res, `${label} → ${path}`);
      }
    }
    v.assertNone();
    await expectStillAnswers(h);
  });
});

describe('wrong types in every field', () => {
  it.each(SERVICE_IDS)(
    'every member of the %s example (depth ≤ 6) set to wrong types or removed',
    async (id) => {
      const v = new Violations(h);
      {
        const base = exampleRequest(id);
        delete base.fhirServer;
        delete base.fhirAuthorization;
        for (const path of pathsOf(base, 6)) {
          const values = path.length <= 3 ? [null, 0, 'x', [], {}, undefined] : [null, path.length % 2 === 0 ? 'x' : {}];
          for (const value of values) {
            const res = await request(h.app)
              .post(`/cds-services/${id}`)
              .send(withValueAt(base, path, value));
            v.check(res, `${id} ${path.join('.')} = ${JSON.stringify(value)}`);
          }
        }
      }
      v.assertNone();
      await expectStillAnswers(h);
    },
    60_000,
  );

  it('every member of a feedback item, and of an acknowledgement', async () => {
    const v = new Violations(h);
    const feedback = {
      feedback: [
        {
          card: '9e2f4c2e-2b0a-4d5c-8c11-0b8f3a1d2e77',
          outcome: 'accepted',
          acceptedSuggestions: [{ id: 'a1' }],
          overrideReason: { reason: { system: 's', code: 'c' }, userComment: 'x' },
          outcomeTimestamp: '2026-11-23T02:00:00Z',
        },
      ],
    };
    for (const path of pathsOf(feedback)) {
      for (const value of [...WRONG_TYPES, undefined, '2026-02-30T00:00:00Z', 'not-a-uuid']) {
        const res = await request(h.app)
          .post(`${REFERRAL}/feedback`)
          .send(withValueAt(feedback, path, value));
        v.check(res, `feedback ${path.join('.')} = ${JSON.stringify(value)}`);
      }
    }
    const ack = {
      acknowledgedAt: '2026-11-23T02:00:00Z',
      decision: 'accepted',
      signedBy: 'RelatedPerson/r1',
      practitioner: 'Practitioner/pr-1',
    };
    for (const path of pathsOf(ack)) {
      for (const value of [...WRONG_TYPES, undefined]) {
        const res = await request(h.app)
          .post('/notices/9e2f4c2e-2b0a-4d5c-8c11-0b8f3a1d2e77/acknowledgement')
          .send(withValueAt(ack, path, value));
        v.check(res, `acknowledgement ${path.join('.')} = ${JSON.stringify(value)}`);
      }
    }
    v.assertNone();
  });
});

describe('wrong hooks, ids and prefetch resource types', () => {
  it('unknown hooks → 400 hook-mismatch / invalid-request; unknown ids → 404', async () => {
    const v = new Violations(h);
    for (const hook of ['foo', 'patient-view ', 'PATIENT-VIEW', 'order-sign', '', 'patient-view\u0000', 'x'.repeat(10_000)]) {
      const res = await request(h.app)
        .post(REFERRAL)
        .send({ ...goodReferral(), hook });
      v.check(res, `hook ${hook.slice(0, 30)}`);
      expect(res.status).toBe(400);
    }
    for (const id of [
      'nope',
      'prenatal-diagnosis-referral%20',
      '..%2f..%2fetc',
      '%00',
      '__proto__',
      'constructor',
      'x'.repeat(5000),
      '%E0%A4%A',
    ]) {
      const res = await request(h.app).post(`/cds-services/${id}`).send(goodReferral());
      v.check(res, `id ${id.slice(0, 30)}`);
      expect(res.status, id).toBe(404);
    }
    v.assertNone();
  });

  it('prefetch values of the wrong resource type, OperationOutcomes, odd Bundles', async () => {
    const v = new Violations(h);
    const base = goodReferral();
    const observation = (base.prefetch.observations as { entry: { resource: unknown }[] }).entry[0]?.resource;
    const values: unknown[] = [
      observation,
      base.prefetch.patient,
      { resourceType: 'OperationOutcome', issue: [] },
      { resourceType: 'Bundle' },
      { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: base.prefetch.patient }] },
      {
        resourceType: 'Bundle',
        entry: [{}, { resource: null }, { resource: 'x' }, { resource: { resourceType: 'Patient', id: 'other' } }],
      },
      { resourceType: 'Bundle', entry: 'x' },
      { resourceType: 42 },
      { resourceType: '__proto__' },
      { id: 'p' },
    ];
    for (const key of Object.keys(base.prefetch)) {
      for (const value of values) {
        const res = await request(h.app)
          .post(REFERRAL)
          .send(withValueAt(base, ['prefetch', key], value));
        v.check(res, `prefetch.${key} = ${JSON.stringify(value).slice(0, 80)}`);
      }
    }
    v.assertNone();
    await expectStillAnswers(h);
  });

  it('Bundles with thousands of entries are answered', async () => {
    const big = buildRealHarness({ BODY_LIMIT_BYTES: String(16 * 1024 * 1024) });
    const base = goodReferral();
    const bundle = base.prefetch.observations as { entry: { resource: Record<string, unknown> }[] };
    const template = bundle.entry[0]?.resource ?? {};
    bundle.entry = Array.from({ length: 5000 }, (_, i) => ({ resource: { ...template, id: `obs-many-${i}` } }));
    const res = await request(big.app).post(REFERRAL).send(base);
    tried.count += 1;
    expect(res.status).toBe(200);
  });
});

describe('invalid dates and quantities in resources', () => {
  const obsPath = (i: number, ...rest: string[]) => ['prefetch', 'observations', 'entry', i, 'resource', ...rest];
  const edits: [readonly (string | number)[], unknown][] = [
    [['prefetch', 'patient', 'birthDate'], '1985-02-30'],
    [['prefetch', 'patient', 'birthDate'], '1985-13-01'],
    [['prefetch', 'patient', 'birthDate'], 'abc'],
    [['prefetch', 'patient', 'birthDate'], ''],
    [['prefetch', 'patient', 'birthDate'], '99999-01-01'],
    [['prefetch', 'patient', 'birthDate'], '2030-01-01'],
    [['prefetch', 'patient', 'birthDate'], 19850101],
    [obsPath(0, 'valueDateTime'), '2027-02-30'],
    [obsPath(0, 'valueDateTime'), 'tomorrow'],
    [obsPath(0, 'effectiveDateTime'), '2026-99-99T99:99:99Z'],
    ...[0, 1, 2, 3].flatMap((i): [readonly (string | number)[], unknown][] => [
      [obsPath(i, 'valueQuantity', 'value'), 'abc'],
      [obsPath(i, 'valueQuantity', 'value'), -1],
      [obsPath(i, 'valueQuantity', 'value'), 1e308],
      [obsPath(i, 'valueQuantity', 'value'), null],
      [obsPath(i, 'valueQuantity'), { value: 4.6, unit: 'furlong', code: 'x' }],
      [obsPath(i, 'valueQuantity'), 'abc'],
      [obsPath(i, 'effectiveDateTime'), '2026-02-30'],
    ]),
  ];

  it('never 5xx; an impossible birth date does not yield an age finding', async () => {
    const v = new Violations(h);
    for (const [path, value] of edits) {
      const res = await request(h.app)
        .post(REFERRAL)
        .send(withValueAt(goodReferral(), path, value));
      v.check(res, `${path.join('.')} = ${JSON.stringify(value)}`);
      if (path.at(-1) === 'birthDate' && res.status === 200 && value !== '2030-01-01') {
        const cards = (res.body as { cards: { extension?: Record<string, { rule: string }[]> }[] }).cards;
        const rules = cards.flatMap((c) => c.extension?.['org.prenatal-cds.findings'] ?? []).map((f) => f.rule);
        expect(rules, `birthDate ${JSON.stringify(value)}`).not.toContain('ama');
      }
    }
    v.assertNone();
    await expectStillAnswers(h);
  });
});
