import { randomUUID } from 'node:crypto';
import type { Communication, Observation, Resource } from '@medplum/fhirtypes';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplianceReport } from '../../src/qc/compliance-types.js';
import { addToBundle, example, resourcesOf, type HookBody, type WireCard } from '../e2e/support/e2e-app.js';
import { composeSignedHookApp, issuerKeys, type SignedHookApp } from '../helpers/signed-hook-app.js';

/**
 * The compliance report by pregnancy identity (docs/design.md#pregnancy-identity) through HTTP:
 * two real hook calls (real signed JWTs) on the production composition with the embedded store —
 * visit 1 with EDD 2027-05-10 issues the notice, visit 2 three days later finds the notice
 * Communication in the EHR and a revised EDD 2027-05-16. One case, notified, its EDD the latest.
 */
const BASE = 'https://cds.pregnancy.example';
const ISS = 'https://emr.hz-mch.example.cn/oauth';
const QC = 'qc-token-hz-demo-mch-pregnancy-0123';

describe('GET /qc/notification-compliance with an EDD revised between two hook calls (PGlite)', () => {
  let h: SignedHookApp;

  beforeAll(async () => {
    h = await composeSignedHookApp({
      base: BASE,
      keys: await issuerKeys(ISS),
      institution: 'org-hz-demo-mch',
      instant: Date.parse('2026-11-23T02:00:00Z'),
      // the hospital's own token: it sees its patients by id (a province token may see pseudonyms)
      institutionToken: QC,
    });
  }, 90_000);
  afterAll(async () => h?.close());

  async function call(body: HookBody): Promise<WireCard> {
    const cards = await h.call(body, { hookInstance: randomUUID() });
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
    h.at(Date.parse('2026-11-23T02:00:00Z'));
    const first = await call(visitWithEdd('2027-05-10'));
    const resources = (first.suggestions ?? []).flatMap((s) => (s.actions ?? []).map((a) => a.resource as Resource | undefined));
    const notice = resources.find((r): r is Communication => r?.resourceType === 'Communication');
    expect(notice).toBeDefined();

    // Three days later the EHR holds the notice Communication it stored from the card; the ultrasound revised the EDD.
    h.at(Date.parse('2026-11-26T02:00:00Z'));
    const body = visitWithEdd('2027-05-16');
    addToBundle(body, 'communications', { ...notice!, id: 'comm-notice-zhang-li-1' });
    await call(body);

    const rows = await h.composition.store.sql.query<{ pregnancy_key: string; edd: string }>(
      'SELECT pregnancy_key, edd::text AS edd FROM hook_call ORDER BY received_at',
    );
    expect(rows).toEqual([
      { pregnancy_key: 'Patient/p-zhang-li-1989|2027-05-10', edd: '2027-05-10' },
      { pregnancy_key: 'Patient/p-zhang-li-1989|2027-05-16', edd: '2027-05-16' },
    ]);

    const res = await request(h.app)
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
    const csv = await request(h.app)
      .get('/qc/notification-compliance')
      .query({ from: '2026-11-01', to: '2026-11-30', format: 'csv' })
      .set('Authorization', `Bearer ${QC}`)
      .expect(200);
    expect(csv.text.split('\r\n').filter(Boolean)).toHaveLength(2);
    expect(csv.text).toContain(',2027-05-16,');
  });
});
