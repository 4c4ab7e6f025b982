import { describe, expect, it } from 'vitest';
import type { RegistryStore } from '../../src/orders/credential-records.js';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import { cooperation, diagnosisOrg, evaluate, findingOf, org, role, roleAt, screeningOrg, type Scenario } from './support.js';

/** ZJ-2023 Art.29, 37: who may order NIPT (docs/rules.md#nipt-institution-not-authorized). */
const AT_SCREENING = (coop: ReturnType<typeof cooperation>[], partner = [diagnosisOrg('org-zju-women')]): Scenario => ({
  institution: [screeningOrg('org-xihu', coop), roleAt('org-xihu'), ...partner],
});

async function institution(s: Scenario, registry?: RegistryStore) {
  const ev = await evaluate(s, registry ? { registry } : {});
  const f = ev.findings.find((x) => x.rule === 'nipt-institution-not-authorized');
  return { ev, f, status: ev.findings[0]!.params['institution'] as Record<string, unknown> };
}

describe('nipt-institution-not-authorized', () => {
  it('a prenatal-diagnosis institution may order NIPT', async () => {
    const { f, status } = await institution({});
    expect(f).toBeUndefined();
    expect(status).toMatchObject({ authorized: true, via: 'role', organizationId: 'org-hz-mch' });
  });

  it('a screening institution with a current cooperation with a diagnosis institution may', async () => {
    const { f, status } = await institution(AT_SCREENING([cooperation('org-zju-women', '2024-01-01', '2026-12-31')]));
    expect(f).toBeUndefined();
    expect(status).toMatchObject({
      authorized: true,
      via: 'cooperation',
      partnerOrganizationId: 'org-zju-women',
      partnerVerifiedBy: 'ehr',
    });
  });

  it('a screening institution whose cooperation expired may not (critical)', async () => {
    const { ev, f } = await institution(AT_SCREENING([cooperation('org-zju-women', '2022-01-01', '2025-05-31')]));
    expect(f?.params).toMatchObject({ reason: 'cooperation-not-current', organizationId: 'org-xihu' });
    expect(f?.citation).toBe('ZJ-2023 Art.29, 37');
    expect(f?.evidence).toEqual(['Organization/org-xihu', 'PractitionerRole/role-wang']);
    expect(ev.indicator).toBe('critical');
  });

  it('the last day of the agreement still counts', async () => {
    const { f } = await institution(AT_SCREENING([cooperation('org-zju-women', '2022-01-01', '2025-06-01')]));
    expect(f).toBeUndefined();
  });

  it('a screening institution without any cooperation may not', async () => {
    const { f } = await institution(AT_SCREENING([]));
    expect(f?.params['reason']).toBe('no-cooperation');
  });

  it('an organization without an institution role may not', async () => {
    const { f } = await institution({ institution: [org('org-clinic', []), roleAt('org-clinic')] });
    expect(f?.params['reason']).toBe('no-role');
  });

  it('a partner that is itself only a screening institution does not count', async () => {
    const { f } = await institution(
      AT_SCREENING([cooperation('org-other', '2024-01-01')], [org('org-other', [role('prenatal-screening-institution')])]),
    );
    expect(f?.params['reason']).toBe('partner-not-diagnosis-institution');
  });

  it('the registry decides first: role and partner from the provincial registry', async () => {
    const registry = new MemoryRegistryStore();
    await registry.upsert({
      practitioners: [],
      organizations: [
        {
          organizationId: 'org-xihu',
          institutionRole: 'prenatal-screening-institution',
          niptCooperation: [{ partnerOrganizationId: 'org-zju-women', validFrom: '2024-01-01' }],
        },
        { organizationId: 'org-zju-women', institutionRole: 'prenatal-diagnosis-institution' },
      ],
      certificates: [],
      licences: [],
    });
    const { f, status } = await institution({ institution: [roleAt('org-xihu')] }, registry);
    expect(f).toBeUndefined();
    expect(status).toMatchObject({ via: 'cooperation', partnerVerifiedBy: 'registry' });
  });

  it('an unknown organization, or none at all, could not be verified: undecided, never "not authorised"', async () => {
    const ghost = await institution({ institution: [roleAt('org-ghost')] });
    expect(ghost.f).toBeUndefined();
    expect(ghost.status).toMatchObject({ authorized: false, reason: 'organization-unknown' });
    expect(ghost.ev.undecided).toEqual([
      expect.objectContaining({
        rule: 'nipt-institution-not-authorized',
        reason: expect.stringContaining('could not verify: no institution data found for Organization/org-ghost'),
      }),
    ]);
    const none = await institution({ institution: [], userId: null });
    expect(none.f).toBeUndefined();
    expect(none.ev.undecided.map((u) => [u.rule, u.reason])).toEqual([
      ['nipt-institution-not-authorized', 'could not verify: no institution data found for the ordering institution (not resolved)'],
    ]);
  });

  it('a failing registry is reported and the EHR data decide', async () => {
    const failing: RegistryStore = {
      upsert: () => Promise.reject(new Error('down')),
      practitioner: () => Promise.reject(new Error('down')),
      organization: () => Promise.reject(new Error('down')),
      findPractitioner: () => Promise.reject(new Error('down')),
      findOrganization: () => Promise.reject(new Error('down')),
      list: () => Promise.reject(new Error('down')),
    };
    const { ev } = await institution(AT_SCREENING([cooperation('org-zju-women', '2022-01-01', '2024-12-31')]), failing);
    expect(findingOf(ev, 'nipt-institution-not-authorized').params).toMatchObject({
      reason: 'cooperation-not-current',
      registryUnavailable: true,
    });
  });
});
