import type { Extension, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { EXTENSIONS } from '../../src/clinical/codes.js';
import { IDENTIFIER_SYSTEMS } from '../../src/clinical/registry-identifiers.js';
import type { UnresolvedReference } from '../../src/fhir/snapshot.js';
import type { OrganizationCredentials, RegistryStore } from '../../src/orders/credential-records.js';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import { diagnosisOrg, evaluate, org, role, roleAt, runService, screeningOrg } from './support.js';

/**
 * The NIPT cooperation partner of a prenatal-screening institution (ZJ-2023 Art.29, 37;
 * docs/rules.md#nipt-institution-not-authorized): known to a source as a prenatal-diagnosis
 * institution, it authorises; known with another role (or none), the rule fires; known to no source
 * when the decision needs it, the outcome is "could not verify" — never "not authorised", never
 * "authorised". Today is 2025-06-01.
 */
const ZJU_USCC = '12330000470051726F';

function coopTo(partnerId: string, start: string, end?: string, uscc?: string): Extension {
  return {
    url: EXTENSIONS.niptCooperation,
    extension: [
      {
        url: 'partner',
        valueReference: {
          reference: `Organization/${partnerId}`,
          ...(uscc ? { identifier: { system: IDENTIFIER_SYSTEMS.uscc, value: uscc } } : {}),
        },
      },
      { url: 'period', valuePeriod: { start, ...(end ? { end } : {}) } },
    ],
  };
}

/** 王医生 works at the 西湖区 screening institution, whose agreements are `coops`; `extra` is what else the record holds. */
const atXihu = (coops: Extension[], extra: Resource[] = []): Resource[] => [screeningOrg('org-xihu', coops), roleAt('org-xihu'), ...extra];

async function registryWith(...organizations: Omit<OrganizationCredentials, 'licences' | 'niptCooperation'>[]): Promise<RegistryStore> {
  const registry = new MemoryRegistryStore();
  await registry.upsert({ practitioners: [], organizations, certificates: [], licences: [] });
  return registry;
}

const ZJU_IN_REGISTRY = {
  organizationId: 'reg-330000-zju-women',
  name: '浙江大学医学院附属妇产科医院',
  identifiers: [{ system: IDENTIFIER_SYSTEMS.uscc, value: ZJU_USCC }],
  institutionRole: 'prenatal-diagnosis-institution' as const,
};

const failing: RegistryStore = {
  upsert: () => Promise.reject(new Error('down')),
  practitioner: () => Promise.reject(new Error('down')),
  organization: () => Promise.reject(new Error('down')),
  findPractitioner: () => Promise.reject(new Error('down')),
  findOrganization: () => Promise.reject(new Error('down')),
  list: () => Promise.reject(new Error('down')),
};

const NOT_FOUND: UnresolvedReference = { reference: 'Organization/org-zju-women', reason: 'fetch failed: http-status 404' };

interface Row {
  readonly name: string;
  readonly institution: Resource[];
  readonly registry?: () => Promise<RegistryStore>;
  readonly unresolved?: UnresolvedReference[];
  /** fired (with params.reason), not-fired (authorised, with how), or undecided (with the reason). */
  readonly expect:
    | { readonly fired: string }
    | { readonly authorised: Record<string, unknown> }
    | { readonly undecided: string | RegExp; readonly partners: string[] };
}

const ROWS: readonly Row[] = [
  {
    name: 'fires: the partner in the record is itself only a screening institution',
    institution: atXihu([coopTo('org-other', '2024-01-01')], [org('org-other', [role('prenatal-screening-institution')])]),
    expect: { fired: 'partner-not-diagnosis-institution' },
  },
  {
    name: 'fires: the registry knows the partner (by the USCC on the reference) with no institution role',
    institution: atXihu([coopTo('org-zju-women', '2024-01-01', undefined, ZJU_USCC)]),
    registry: () => registryWith({ ...ZJU_IN_REGISTRY, institutionRole: undefined }),
    unresolved: [NOT_FOUND],
    expect: { fired: 'partner-not-diagnosis-institution' },
  },
  {
    name: 'does not fire: the EHR cannot serve the partner (404), the registry knows it by USCC as a diagnosis institution',
    institution: atXihu([coopTo('org-zju-women', '2024-01-01', '2026-12-31', ZJU_USCC)]),
    registry: () => registryWith(ZJU_IN_REGISTRY),
    unresolved: [NOT_FOUND],
    expect: { authorised: { via: 'cooperation', partnerOrganizationId: 'org-zju-women', partnerVerifiedBy: 'registry' } },
  },
  {
    name: 'does not fire: the partner, absent from the record, is in the registry under its id',
    institution: atXihu([coopTo('org-zju-women', '2024-01-01')]),
    registry: () => registryWith({ ...ZJU_IN_REGISTRY, organizationId: 'org-zju-women', identifiers: undefined }),
    expect: { authorised: { via: 'cooperation', partnerVerifiedBy: 'registry' } },
  },
  {
    name: 'does not fire: the partner read by reference from the EHR is a diagnosis institution',
    institution: atXihu([coopTo('org-zju-women', '2024-01-01')], [diagnosisOrg('org-zju-women')]),
    expect: { authorised: { via: 'cooperation', partnerVerifiedBy: 'ehr' } },
  },
  {
    name: 'boundary: the last day of the agreement with an unknown partner needs the partner — could not verify',
    institution: atXihu([coopTo('org-zju-women', '2022-01-01', '2025-06-01')]),
    unresolved: [NOT_FOUND],
    expect: { undecided: /could not be fetched \(fetch failed: http-status 404\); not in the registry$/, partners: ['org-zju-women'] },
  },
  {
    name: 'boundary: an agreement that ended the day before does not need its partner — not current',
    institution: atXihu([coopTo('org-zju-women', '2022-01-01', '2025-05-31')]),
    unresolved: [NOT_FOUND],
    expect: { fired: 'cooperation-not-current' },
  },
  {
    name: 'boundary: an agreement that starts tomorrow does not need its partner — not current',
    institution: atXihu([coopTo('org-zju-women', '2025-06-02')]),
    expect: { fired: 'cooperation-not-current' },
  },
  {
    name: 'boundary: one verified partner decides, whatever another unknown partner is',
    institution: atXihu([coopTo('org-far-away', '2024-01-01'), coopTo('org-zju-women', '2024-01-01')], [diagnosisOrg('org-zju-women')]),
    expect: { authorised: { partnerOrganizationId: 'org-zju-women' } },
  },
  {
    name: 'boundary: a partner known not to qualify and an unknown one — could not verify, naming the unknown one',
    institution: atXihu(
      [coopTo('org-other', '2024-01-01'), coopTo('org-far-away', '2024-01-01')],
      [org('org-other', [role('prenatal-screening-institution')])],
    ),
    expect: { undecided: /Organization\/org-far-away: not in the record; not in the registry$/, partners: ['org-far-away'] },
  },
  {
    name: 'missing: the partner is neither in the record nor in the registry',
    institution: atXihu([coopTo('org-far-away', '2024-01-01')]),
    expect: {
      undecided:
        'could not verify: the NIPT cooperation partner of Organization/org-xihu, Organization/org-far-away: not in the record; not in the registry',
      partners: ['org-far-away'],
    },
  },
  {
    name: 'missing: the partner could not be fetched and the registry is unavailable',
    institution: atXihu([coopTo('org-zju-women', '2024-01-01', undefined, ZJU_USCC)]),
    registry: () => Promise.resolve(failing),
    unresolved: [NOT_FOUND],
    expect: {
      undecided: 'Organization/org-zju-women: could not be fetched (fetch failed: http-status 404); registry unavailable',
      partners: ['org-zju-women'],
    },
  },
  {
    name: 'missing: two registry records carry the partner USCC — the registry does not decide',
    institution: atXihu([coopTo('org-zju-women', '2024-01-01', undefined, ZJU_USCC)]),
    registry: () => registryWith(ZJU_IN_REGISTRY, { ...ZJU_IN_REGISTRY, organizationId: 'reg-duplicate' }),
    unresolved: [NOT_FOUND],
    expect: {
      undecided: /registry identifier matches several records \(reg-330000-zju-women, reg-duplicate\)$/,
      partners: ['org-zju-women'],
    },
  },
];

describe('nipt-institution-not-authorized: the cooperation partner', () => {
  it.each(ROWS)('$name', async (row) => {
    const registry = row.registry ? await row.registry() : undefined;
    const ev = await evaluate(
      { institution: row.institution, ...(row.unresolved ? { unresolved: row.unresolved } : {}) },
      registry ? { registry } : {},
    );
    const fired = ev.findings.find((f) => f.rule === 'nipt-institution-not-authorized');
    const undecided = ev.undecided.filter((u) => u.rule === 'nipt-institution-not-authorized');
    const status = ev.findings[0]!.params['institution'] as Record<string, unknown>;
    if ('fired' in row.expect) {
      expect(fired?.params['reason']).toBe(row.expect.fired);
      expect(undecided).toEqual([]);
      expect(ev.indicator).toBe('critical');
    } else if ('authorised' in row.expect) {
      expect(fired).toBeUndefined();
      expect(undecided).toEqual([]);
      expect(status).toMatchObject({ authorized: true, ...row.expect.authorised });
    } else {
      expect(fired).toBeUndefined();
      expect(undecided).toHaveLength(1);
      if (typeof row.expect.undecided === 'string') expect(undecided[0]!.reason).toContain(row.expect.undecided);
      else expect(undecided[0]!.reason).toMatch(row.expect.undecided);
      expect(undecided[0]!.reason).toMatch(/^could not verify: the NIPT cooperation partner of Organization\/org-xihu, /);
      for (const p of row.expect.partners) expect(undecided[0]!.evidence).toContain(`Organization/${p}`);
      expect(status).toMatchObject({ authorized: null, reason: 'partner-unverified', organizationId: 'org-xihu' });
      expect((status['partners'] as { partnerOrganizationId: string }[]).map((p) => p.partnerOrganizationId)).toEqual(row.expect.partners);
      // Never critical for the institution: the undecided partner is no refusal.
      expect(ev.indicator).not.toBe('critical');
    }
  });
});

describe('the NIPT card when the partner could not be verified', () => {
  const unverified = { institution: atXihu([coopTo('org-zju-women', '2024-01-01')]), unresolved: [NOT_FOUND] };

  it.each(['zh-CN', 'en'] as const)('says the institution could not be decided, never that it is authorised (%s)', async (locale) => {
    const { cards, result } = await runService(unverified, { locale });
    expect(cards).toHaveLength(1);
    const card = cards[0]!;
    expect(card.indicator).toBe('info');
    expect(card.overrideReasons).toBeUndefined();
    expect(card.detail).toContain('Organization/org\\-zju\\-women'); // markdown-escaped
    expect(card.detail).toContain(locale === 'zh-CN' ? '开单机构能否开展NIPT无法判断' : 'could not be decided');
    expect(card.detail).not.toMatch(locale === 'zh-CN' ? /具备.*资质|已核实/ : /\bauthori[sz]ed\b|verified\)/);
    expect(result.undecided.map((u) => u.rule)).toEqual(['nipt-institution-not-authorized']);
  });

  it('a partner verified by the registry adds no such sentence', async () => {
    const registry = await registryWith(ZJU_IN_REGISTRY);
    const { cards, result } = await runService(
      { institution: atXihu([coopTo('org-zju-women', '2024-01-01', undefined, ZJU_USCC)]), unresolved: [NOT_FOUND] },
      { registry },
    );
    expect(cards[0]!.detail).not.toContain('无法判断');
    expect(result.undecided).toEqual([]);
  });
});
