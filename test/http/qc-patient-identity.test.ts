import { mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Patient } from '@medplum/fhirtypes';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplianceReport } from '../../src/qc/compliance-types.js';
import type { DataQualityReport } from '../../src/qc/data-quality.js';
import type { FollowUpReport } from '../../src/qc/follow-up-types.js';
import type { TestKey } from '../auth/support/tokens.js';
import { example, type HookBody } from '../e2e/support/e2e-app.js';
import { composeSignedHookApp, issuerKeys, type SignedHookApp } from '../helpers/signed-hook-app.js';
import { buildHarness } from '../support/app-fixture.js';

/**
 * Who sees which patient identity in QC (docs/design.md#patient-identity), through HTTP on the
 * embedded store in a real DATA_DIR: real hook calls store her record number (MRN_SYSTEM) from a
 * Patient with several identifiers; the institution token and a province token with `seesMrn` see
 * it with her id; a province token without it sees a pseudonym — stable across requests and a
 * restart on the same store, different per woman — and neither her id nor her MRN anywhere in the
 * JSON or CSV bodies of the compliance, data-quality and follow-up reports.
 */
const BASE = 'https://cds.patient-identity.example';
const ISS = 'https://ehr.patient-identity.example/oauth';
const PATH = '/cds-services/prenatal-diagnosis-referral';
const NOW = Date.parse('2026-11-23T02:00:00Z');
const MRN_SYSTEM = 'https://hospital.example.cn/fhir/sid/mrn';
const ORG = 'org-hz-demo-mch';
const INSTITUTION = 'qc-institution-token-0123456789';
const PROVINCE = 'qc-province-token-0123456789ab';
const PROVINCE_MRN = 'qc-province-mrn-token-0123456789';
const QC_TOKENS = JSON.stringify({
  [INSTITUTION]: { role: 'institution', institution: ORG },
  [PROVINCE]: { role: 'province' },
  [PROVINCE_MRN]: { role: 'province', seesMrn: true },
});
const PERIOD = { from: '2026-11-01', to: '2026-11-30' };

/** Two women: the example's 张丽 and 李娜, each with 身份证, a hospital MRN (an old one too) and a health card. */
const WOMEN = [
  { id: 'p-zhang-li-1989', idCard: '330106198903150028', mrn: 'ZY-2026-000387', oldMrn: 'ZY-2011-004521', card: 'HC33010619890315' },
  { id: 'p-li-na-1987', idCard: '330102198707220046', mrn: 'ZY-2026-000412', oldMrn: 'ZY-2013-007788', card: 'HC33010219870722' },
] as const;
type Woman = (typeof WOMEN)[number];
const SECRETS = WOMEN.flatMap((w) => [w.id, w.idCard, w.mrn, w.oldMrn, w.card]);

function callFor(w: Woman): HookBody {
  // Her own pregnancy EpisodeOfCare, whose id names her (a pseudonymised reader must not see it either).
  const text = JSON.stringify(example('prenatal-diagnosis-referral'));
  expect(text).toContain('eoc-pregnancy-1');
  const body = JSON.parse(text.replaceAll('eoc-pregnancy-1', `eoc-${w.id}`).replaceAll('p-zhang-li-1989', w.id)) as HookBody;
  const patient = body.prefetch!.patient as Patient;
  patient.identifier = [
    { use: 'official', type: { text: '居民身份证' }, system: 'urn:oid:2.16.156.10011.1.3', value: w.idCard },
    { use: 'old', system: MRN_SYSTEM, value: w.oldMrn },
    { use: 'official', system: MRN_SYSTEM, value: w.mrn },
    { type: { text: '居民健康卡' }, system: 'urn:oid:2.16.156.10011.1.19', value: w.card },
  ];
  delete body.fhirServer;
  delete body.fhirAuthorization;
  return body;
}

type Running = SignedHookApp;

/** The service on the store in `dataDir`, trusting the EHR's `keys`; `extra` variables on top. */
function start(dataDir: string, keys: Record<string, TestKey>, extra: Record<string, string> = {}): Promise<SignedHookApp> {
  return composeSignedHookApp({
    base: BASE,
    keys,
    institution: ORG,
    instant: NOW,
    env: { DATA_DIR: dataDir, MRN_SYSTEM, QC_TOKENS, ...extra },
  });
}

const hookCall = (r: SignedHookApp, w: Woman) => r.call(callFor(w));

async function qc(r: Running, path: string, token: string, query: Record<string, string> = {}): Promise<string> {
  const res = await request(r.app)
    .get(path)
    .query({ ...PERIOD, ...query })
    .set('Authorization', `Bearer ${token}`)
    .buffer(true)
    .parse((s, cb) => {
      let text = '';
      s.setEncoding('utf8');
      s.on('data', (d: string) => (text += d));
      s.on('end', () => cb(null, text));
    });
  expect(res.status, String(res.body)).toBe(200);
  return res.body as string;
}

const cases = async (r: Running, token: string) =>
  (JSON.parse(await qc(r, '/qc/notification-compliance', token)) as ComplianceReport).cases;

const expectNothingOfHer = (text: string) => {
  for (const s of SECRETS) expect(text).not.toContain(s);
};

describe('QC patient identity through HTTP (PGlite in DATA_DIR)', () => {
  let dir: string;
  let keys: Record<string, TestKey>;
  let r: Running;
  let pseudonyms: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qc-identity-'));
    keys = await issuerKeys(ISS);
    r = await start(join(dir, 'data'), keys);
    for (const w of WOMEN) await hookCall(r, w);
    // A rule that could not decide for 张丽, citing her Patient resource (the data-quality list).
    const [zhang] = WOMEN;
    await r.composition.store.audit.recordHookCall({
      hookInstance: randomUUID(),
      serviceId: 'prenatal-diagnosis-referral',
      hook: 'patient-view',
      receivedAt: '2026-11-23T03:00:00.000Z',
      issuer: ISS,
      institutionId: ORG,
      patientId: zhang.id,
      patientMrn: zhang.mrn,
      status: 200,
      latencyMs: 5,
      findings: [],
      cards: [],
      ruleErrors: [],
      undecided: [
        {
          rule: 'ama',
          ruleVersion: '1.0.0',
          citation: 'ZJ-2023 Art.24(5)',
          reason: 'birthDate 1989 is partial',
          evidence: [`Patient/${zhang.id}`],
        },
      ],
    });
  }, 120_000);
  afterAll(async () => {
    await r?.composition.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the hook call stored her MRN (the official one of MRN_SYSTEM), nothing of her 身份证 or health card', async () => {
    const calls = await r.composition.store.audit.listHookCalls({ from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' });
    expect(
      calls.filter((c) => c.serviceId === 'prenatal-diagnosis-referral' && c.status === 200).map((c) => [c.patientId, c.patientMrn]),
    ).toEqual(expect.arrayContaining(WOMEN.map((w) => [w.id, w.mrn])));
    const [row] = await r.composition.store.sql.query<{ text: string }>('SELECT row_to_json(h)::text AS text FROM hook_call h LIMIT 1');
    expect(row?.text).not.toContain(WOMEN[0].idCard);
  });

  it('the institution token sees her id and MRN, in JSON and CSV', async () => {
    const list = await cases(r, INSTITUTION);
    expect(list.map((c) => [c.patient, c.mrn]).sort()).toEqual(WOMEN.map((w) => [w.id, w.mrn]).sort());
    const csv = await qc(r, '/qc/notification-compliance', INSTITUTION, { format: 'csv' });
    for (const w of WOMEN) expect(csv).toContain(`,${w.id},${w.mrn},`);
  });

  it('a province token with seesMrn sees the same', async () => {
    expect((await cases(r, PROVINCE_MRN)).map((c) => [c.patient, c.mrn]).sort()).toEqual(WOMEN.map((w) => [w.id, w.mrn]).sort());
  });

  it('a province token without it sees a pseudonym per woman, never her id or MRN (JSON, CSV, data quality)', async () => {
    const first = await cases(r, PROVINCE);
    expect(first).toHaveLength(2);
    for (const c of first) {
      expect(c.patient).toMatch(/^P-[A-Z2-7]{16}$/);
      expect(c.mrn).toBeNull();
      // The pregnancy is her EpisodeOfCare: her pseudonym and a tag of the episode.
      expect(c.pregnancy).toMatch(new RegExp(`^${c.patient}\\|E-[A-Z2-7]{10}$`));
    }
    expect(new Set(first.map((c) => c.patient)).size).toBe(2);
    // Stable from one request to the next.
    expect((await cases(r, PROVINCE)).map((c) => c.patient)).toEqual(first.map((c) => c.patient));
    for (const [path, query] of [
      ['/qc/notification-compliance', {}],
      ['/qc/notification-compliance', { format: 'csv' }],
      ['/qc/notification-compliance', { format: 'csv', section: 'rows', groupBy: 'practitioner' }],
      ['/qc/data-quality', {}],
      ['/qc/data-quality', { format: 'csv' }],
      ['/qc/follow-up', {}],
      ['/qc/follow-up', { format: 'csv', section: 'undiagnosed' }],
      ['/qc/follow-up', { format: 'csv', section: 'nipt' }],
    ] as const) {
      expectNothingOfHer(await qc(r, path, PROVINCE, query));
    }
    const dq = JSON.parse(await qc(r, '/qc/data-quality', PROVINCE)) as DataQualityReport;
    const zhang = first.find((c) => c.institution === ORG && dq.items.some((i) => i.patient === c.patient));
    expect(zhang).toBeDefined();
    expect(dq.items.find((i) => i.patient === zhang!.patient)?.evidence).toEqual([`Patient/${zhang!.patient}`]);
    // Both women indicated, neither diagnosed: the follow-up list names them by pseudonym.
    const followUp = JSON.parse(await qc(r, '/qc/follow-up', PROVINCE)) as FollowUpReport;
    expect(followUp.undiagnosed.map((c) => c.patient).sort()).toEqual(first.map((c) => c.patient).sort());
    // The institution sees the same item with her id.
    const own = JSON.parse(await qc(r, '/qc/data-quality', INSTITUTION)) as DataQualityReport;
    expect(own.items.map((i) => i.patient)).toContain(WOMEN[0].id);
    pseudonyms = Object.fromEntries((await cases(r, PROVINCE_MRN)).map((c, i) => [c.patient, first[i]!.patient]));
  });

  it('the pseudonyms survive a restart on the same store (the key is kept in qc_secret), and a configured secret replaces it', async () => {
    await r.composition.close();
    r = await start(join(dir, 'data'), keys);
    const after = await cases(r, PROVINCE);
    const ids = await cases(r, PROVINCE_MRN);
    expect(Object.fromEntries(ids.map((c, i) => [c.patient, after[i]!.patient]))).toEqual(pseudonyms);
    await r.composition.close();
    r = await start(join(dir, 'data'), keys, { QC_PSEUDONYM_SECRET: '浙江省产前诊断质控假名密钥-2026-a' });
    const configured = await cases(r, PROVINCE);
    expect(configured.map((c) => c.patient)).not.toEqual(after.map((c) => c.patient));
    expect((await cases(r, PROVINCE)).map((c) => c.patient)).toEqual(configured.map((c) => c.patient));
  }, 120_000);
});

describe('MRN capture without MRN_SYSTEM', () => {
  it('stores no MRN when no system is configured; with one, the official one', async () => {
    for (const [env, expected] of [
      [{}, undefined],
      [{ MRN_SYSTEM }, WOMEN[1].mrn],
    ] as const) {
      const h = buildHarness({ env });
      await request(h.app).post(PATH).send(callFor(WOMEN[1])).expect(200);
      expect(h.hookCalls.all()[0]?.patientMrn).toBe(expected);
    }
  });
});
