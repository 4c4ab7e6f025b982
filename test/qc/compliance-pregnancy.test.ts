import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Communication, Observation, Resource } from '@medplum/fhirtypes';
import { SignJWT } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { clinicalNowAt, type Clock } from '../../src/clock.js';
import { compose, type Composition } from '../../src/compose.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { computeCompliance } from '../../src/qc/compliance.js';
import type { ComplianceInput, ComplianceOptions, ComplianceReport, FindingFact } from '../../src/qc/compliance-types.js';
import { makeKey, type TestKey } from '../auth/support/tokens.js';
import { addToBundle, example, resourcesOf, type HookBody, type WireCard } from '../e2e/support/e2e-app.js';

/**
 * Compliance by pregnancy identity (docs/design.md#pregnancy-identity): a revised EDD is the same
 * case (its EDD the latest), two pregnancies of one woman a year apart are two, an end record
 * separates them. Hand-built audit rows, then the same through HTTP with real hook calls.
 */
const OPTS: ComplianceOptions = {
  from: '2026-09-01',
  to: '2027-12-31',
  groupBy: 'institution',
  timeZone: 'Asia/Shanghai',
  deadlineDays: 7,
  today: '2027-12-31',
  referralRules: ['ama'],
};
const PID = 'p-zhao-min-1988';
const key = (edd: string) => `Patient/${PID}|${edd}`;
let seq = 0;
const visit = (receivedAt: string, edd: string, over: Partial<FindingFact> = {}): FindingFact => ({
  hookCallId: `h-${++seq}`,
  receivedAt,
  institutionId: 'org-hz-mch',
  patientId: PID,
  pregnancyKey: key(edd),
  edd,
  rule: 'ama',
  ...over,
});
const signed = (signedAt: string, edd: string) => ({ noticeId: `n-${edd}`, signedAt, patientId: PID, pregnancyKey: key(edd), edd });
const report = (input: Partial<ComplianceInput>, opts: Partial<ComplianceOptions> = {}): ComplianceReport =>
  computeCompliance({ findings: [], cards: [], feedback: [], acknowledgements: [], ...input }, { ...OPTS, ...opts });

describe('compliance by pregnancy identity (pure)', () => {
  it('EDD revised once (2027-05-10 → 2027-05-16), notice signed at visit 1: indicated 1, notified 1, rate 1, nothing missing', () => {
    const r = report({
      findings: [visit('2026-09-14T02:00:00Z', '2027-05-10'), visit('2026-10-12T02:00:00Z', '2027-05-16')],
      acknowledgements: [signed('2026-09-14T03:00:00Z', '2027-05-10')],
    });
    expect(r.total).toMatchObject({ indicated: 1, notified: 1, due: 1, rate: 1, missing: 0 });
    expect(r.cases).toEqual([
      expect.objectContaining({ pregnancy: key('2027-05-10'), edd: '2027-05-16', status: 'notified-in-time', dueBy: '2026-09-21' }),
    ]);
    // before: the raw key split it in two (indicated 2, notified 1, rate 0.5, one missing)
    const split = report(
      {
        findings: [visit('2026-09-14T02:00:00Z', '2027-05-10'), visit('2026-10-12T02:00:00Z', '2027-05-16')],
        acknowledgements: [signed('2026-09-14T03:00:00Z', '2027-05-10')],
      },
      { pregnancyToleranceDays: 0 },
    );
    expect(split.total).toMatchObject({ indicated: 2, notified: 1, rate: 0.5, missing: 1 });
  });

  it('EDD revised twice, drifting 20 then 20 days: one case, tolerance against the latest EDD', () => {
    const r = report({
      findings: [
        visit('2026-09-14T02:00:00Z', '2027-05-10'),
        visit('2026-10-12T02:00:00Z', '2027-05-30'),
        visit('2026-11-09T02:00:00Z', '2027-06-19'),
      ],
      // the acknowledgement of the notice issued at the last visit counts for the case
      acknowledgements: [signed('2026-11-09T03:00:00Z', '2027-06-19')],
    });
    expect(r.total).toMatchObject({ indicated: 1, notified: 1, rate: 1, inTimeRate: 0 });
    expect(r.cases[0]).toMatchObject({
      pregnancy: key('2027-05-10'),
      edd: '2027-06-19',
      firstIndicatedAt: '2026-09-14T02:00:00.000Z',
      status: 'notified-late',
    });
  });

  it('boundary: an EDD 28 days from the latest is the same case, 29 days another', () => {
    const findings = (second: string) => [visit('2026-09-14T02:00:00Z', '2027-05-10'), visit('2026-10-12T02:00:00Z', second)];
    expect(report({ findings: findings('2027-06-07') }).total.indicated).toBe(1);
    expect(report({ findings: findings('2027-06-08') }).total.indicated).toBe(2);
  });

  it('two pregnancies of one woman a year apart are two cases, each with its own notice', () => {
    const r = report({
      findings: [visit('2026-09-14T02:00:00Z', '2027-05-10'), visit('2027-09-20T02:00:00Z', '2028-05-02')],
      acknowledgements: [signed('2026-09-15T02:00:00Z', '2027-05-10')],
    });
    expect(r.cases.map((c) => [c.pregnancy, c.edd, c.status])).toEqual([
      [key('2027-05-10'), '2027-05-10', 'notified-in-time'],
      [key('2028-05-02'), '2028-05-02', 'missing'],
    ]);
  });

  it('a loss record closes the pregnancy: the next EDD within tolerance is a new case', () => {
    const findings = [visit('2026-08-18T02:00:00Z', '2027-05-10'), visit('2026-09-20T02:00:00Z', '2027-06-01')];
    expect(report({ findings }, { from: '2026-08-01' }).total.indicated).toBe(1);
    expect(report({ findings, ends: [{ patientId: PID, on: '2026-08-20' }] }, { from: '2026-08-01' }).total.indicated).toBe(2);
  });

  it('an EHR that starts sending its EpisodeOfCare: the episode call joins the EDD case; a sighting of another institution links them too', () => {
    const episodeCall = visit('2026-10-12T02:00:00Z', '2027-05-14', { pregnancyKey: 'EpisodeOfCare/eoc-zhao-1' });
    const r = report({
      findings: [visit('2026-09-14T02:00:00Z', '2027-05-10'), episodeCall],
      // the notice of the episode call, signed; a later call (no finding) revised the EDD again
      acknowledgements: [{ noticeId: 'n-eoc', signedAt: '2026-10-12T03:00:00Z', patientId: PID, pregnancyKey: 'EpisodeOfCare/eoc-zhao-1' }],
      sightings: [{ patientId: PID, pregnancyKey: 'EpisodeOfCare/eoc-zhao-1', edd: '2027-05-18', receivedAt: '2026-11-20T02:00:00Z' }],
    });
    expect(r.total).toMatchObject({ indicated: 1, notified: 1 });
    expect(r.cases[0]).toMatchObject({ pregnancy: key('2027-05-10'), edd: '2027-05-18', status: 'notified-late' });
  });

  it('a call without an EDD or key keeps the patient id as its pregnancy, as before', () => {
    const r = report({ findings: [visit('2026-09-14T02:00:00Z', '2027-05-10', { pregnancyKey: undefined, edd: undefined })] });
    expect(r.cases.map((c) => [c.pregnancy, c.edd])).toEqual([[PID, null]]);
  });
});

// ---- through HTTP: two real hook calls, the EDD revised at the second ----

const BASE = 'https://cds.pregnancy.example';
const ISS = 'https://emr.hz-mch.example.cn/oauth';
const PATH = '/cds-services/prenatal-diagnosis-referral';
const QC = 'qc-token-province-pregnancy-0123';

describe('GET /qc/notification-compliance with an EDD revised between two hook calls (PGlite)', () => {
  let key: TestKey;
  let composition: Composition;
  let app: ReturnType<typeof createApp>;
  let instant = Date.parse('2026-11-23T02:00:00Z');

  beforeAll(async () => {
    key = await makeKey('ES384', 'pregnancy-key');
    const config = loadConfig({
      PUBLIC_BASE_URL: BASE,
      AUTH_MODE: 'jwt',
      DATA_DIR: 'memory://',
      LOG_LEVEL: 'silent',
      TRUSTED_ISSUERS: JSON.stringify([{ iss: ISS, jwks: { keys: [key.jwk] }, fhirServers: [] }]),
      QC_TOKENS: JSON.stringify({ [QC]: { role: 'province' } }),
      POLICY_FILE: JSON.stringify({
        institution: { id: 'org-hz-demo-mch', name: '杭州市某区妇幼保健院' },
        referralInstitution: { name: '浙江大学医学院附属妇产科医院产前诊断中心' },
      }),
    });
    const clock: Clock = { now: () => clinicalNowAt(new Date(instant), config.clinicTimeZone) };
    composition = await compose(config, createLogger(config, new Writable({ write: (_c, _e, cb) => cb() })), { clock });
    app = createApp(composition.deps);
  }, 90_000);
  afterAll(async () => composition?.close());

  async function call(body: HookBody): Promise<WireCard> {
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({ iss: ISS, sub: 'ehr', aud: `${BASE}${PATH}`, exp: now + 300, iat: now, jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: key.kid })
      .sign(key.privateKey);
    const b = structuredClone(body);
    delete b.fhirServer;
    delete b.fhirAuthorization;
    const res = await request(app)
      .post(PATH)
      .set('authorization', `Bearer ${jwt}`)
      .send({ ...b, hookInstance: randomUUID() });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const cards = (res.body as { cards: WireCard[] }).cards;
    expect(cards).toHaveLength(1);
    return cards[0]!;
  }

  /** The example visit of 张丽 with no EpisodeOfCare (an EHR that keeps none) and this clinical EDD (LOINC 11778-8). */
  function visitWithEdd(edd: string): HookBody {
    const body = example('prenatal-diagnosis-referral');
    const prefetch = body.prefetch as Record<string, unknown>;
    for (const [k, v] of Object.entries(prefetch)) {
      if (resourcesOf(v).some((r) => r.resourceType === 'EpisodeOfCare')) prefetch[k] = null;
    }
    const eddObs = Object.values(prefetch)
      .flatMap(resourcesOf)
      .find((r): r is Observation => r.resourceType === 'Observation' && r.code?.coding?.some((c) => c.code === '11778-8') === true);
    eddObs!.valueDateTime = edd;
    return body;
  }

  it('visit 1 (EDD 2027-05-10, notice given) and visit 2 (EDD 2027-05-16): one case, notified, EDD the latest', async () => {
    instant = Date.parse('2026-11-23T02:00:00Z');
    const first = await call(visitWithEdd('2027-05-10'));
    const resources = (first.suggestions ?? []).flatMap((s) => (s.actions ?? []).map((a) => a.resource as Resource | undefined));
    const notice = resources.find((r): r is Communication => r?.resourceType === 'Communication');
    expect(notice).toBeDefined();

    // Three days later the EHR holds the notice Communication it stored from the card; the ultrasound revised the EDD.
    instant = Date.parse('2026-11-26T02:00:00Z');
    const body = visitWithEdd('2027-05-16');
    addToBundle(body, 'communications', { ...notice!, id: 'comm-notice-zhang-li-1' });
    await call(body);

    const rows = await composition.store.sql.query<{ pregnancy_key: string; edd: string }>(
      'SELECT pregnancy_key, edd::text AS edd FROM hook_call ORDER BY received_at',
    );
    expect(rows).toEqual([
      { pregnancy_key: 'Patient/p-zhang-li-1989|2027-05-10', edd: '2027-05-10' },
      { pregnancy_key: 'Patient/p-zhang-li-1989|2027-05-16', edd: '2027-05-16' },
    ]);

    const res = await request(app)
      .get('/qc/notification-compliance')
      .query({ from: '2026-11-01', to: '2026-11-30', groupBy: 'institution' })
      .set('Authorization', `Bearer ${QC}`)
      .expect(200);
    const r = res.body as ComplianceReport;
    expect(r.total).toMatchObject({ indicated: 1, due: 1, notified: 1, rate: 1, missing: 0, pending: 0 });
    expect(r.cases).toEqual([
      expect.objectContaining({
        pregnancy: 'Patient/p-zhang-li-1989|2027-05-10',
        patient: 'p-zhang-li-1989',
        edd: '2027-05-16',
        status: 'notified-in-time',
        noticeAt: '2026-11-26T02:00:00.000Z',
      }),
    ]);
    const csv = await request(app)
      .get('/qc/notification-compliance')
      .query({ from: '2026-11-01', to: '2026-11-30', format: 'csv' })
      .set('Authorization', `Bearer ${QC}`)
      .expect(200);
    expect(csv.text.split('\r\n').filter(Boolean)).toHaveLength(2);
    expect(csv.text).toContain(',2027-05-16,');
  });
});
