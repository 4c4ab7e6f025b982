import { describe, expect, it } from 'vitest';
import { EXTENSIONS, SYSTEMS } from '../../src/clinical/codes.js';
import { certificatesFromPractitioner, organizationCredentialsFromFhir } from '../../src/orders/credentials.js';
import { resolveOrderingContext } from '../../src/clinical/ordering-context.js';
import { amnio, encounter, goodOrganization, goodPractitioner, organization, practitionerRole, snapshotOf } from './support/fixtures.js';

describe('certificatesFromPractitioner / organizationCredentialsFromFhir (docs/rules.md#credential-data shape)', () => {
  it('reads one certificate per mch-technique qualification and ignores other qualifications', () => {
    const { value, problems } = certificatesFromPractitioner(goodPractitioner());
    expect(problems).toEqual([]);
    expect(value).toHaveLength(2);
    expect(value[0]).toMatchObject({
      practitionerId: 'prac-li',
      technique: 'prenatal-diagnosis',
      number: 'ZJ-CQ-2022-0018',
      type: 'assessment-certificate',
      issuer: '浙江省卫生健康委员会',
      validFrom: '2022-03-01',
      validTo: '2027-02-28',
    });
  });

  it('reports an unknown technique code instead of throwing', () => {
    const p = goodPractitioner();
    const bad = { ...p, qualification: [{ code: { coding: [{ system: SYSTEMS.mchTechnique, code: 'ivf' }] } }] };
    expect(certificatesFromPractitioner(bad)).toEqual({ value: [], problems: ['qualification[0]: unknown technique "ivf"'] });
  });

  it('reads licences, role and NIPT cooperation of an Organization', () => {
    const o = {
      ...goodOrganization(),
      extension: [
        ...goodOrganization().extension!,
        {
          url: EXTENSIONS.niptCooperation,
          extension: [
            { url: 'partner', valueReference: { reference: 'Organization/org-zju-women' } },
            { url: 'period', valuePeriod: { start: '2024-01-01', end: '2026-12-31' } },
          ],
        },
        { url: EXTENSIONS.mchLicence, extension: [{ url: 'technique', valueCoding: { system: SYSTEMS.mchTechnique, code: 'midwifery' } }] },
      ],
    };
    const { value, problems } = organizationCredentialsFromFhir(o);
    expect(value.licences).toHaveLength(1);
    expect(value.licences[0]).toMatchObject({
      number: 'ZJ-MY-2021-007',
      techniques: ['prenatal-diagnosis', 'prenatal-screening'],
      validTo: '2027-05-31',
    });
    expect(value.institutionRole).toBe('prenatal-diagnosis-institution');
    expect(value.niptCooperation).toEqual([{ partnerOrganizationId: 'org-zju-women', validFrom: '2024-01-01', validTo: '2026-12-31' }]);
    expect(problems).toEqual(['mch-licence[1]: no licence number']);
  });
});

describe('resolveOrderingContext: which practitioner and institution', () => {
  const base = [goodPractitioner(), goodOrganization(), organization('org-other', [])];

  it('userId Practitioner → its PractitionerRole organization', () => {
    const ctx = resolveOrderingContext(
      snapshotOf({
        resources: [...base, practitionerRole('role-li', 'prac-li', 'org-hz-mch'), encounter('enc-1', 'org-other')],
        orders: [amnio()],
        userId: 'Practitioner/prac-li',
        encounterId: 'enc-1',
      }),
    );
    expect(ctx).toMatchObject({
      practitionerId: 'prac-li',
      organizationId: 'org-hz-mch',
      organizationVia: 'practitioner-role',
      practitionerRole: 'PractitionerRole/role-li',
    });
  });

  it('with several roles, prefers the one at the encounter institution', () => {
    const ctx = resolveOrderingContext(
      snapshotOf({
        resources: [
          ...base,
          practitionerRole('role-a', 'prac-li', 'org-other'),
          practitionerRole('role-b', 'prac-li', 'org-hz-mch'),
          encounter('enc-1', 'org-hz-mch'),
        ],
        orders: [amnio()],
        userId: 'Practitioner/prac-li',
        encounterId: 'Encounter/enc-1',
      }),
    );
    expect(ctx.practitionerRole).toBe('PractitionerRole/role-b');
  });

  it('userId PractitionerRole (absolute URL refs) → practitioner and organization of the role', () => {
    const role = {
      ...practitionerRole('role-li', 'x', 'y'),
      practitioner: { reference: 'https://ehr.example.cn/fhir/Practitioner/prac-li' },
      organization: { reference: 'https://ehr.example.cn/fhir/Organization/org-hz-mch/_history/3' },
    };
    const ctx = resolveOrderingContext(snapshotOf({ resources: [...base, role], orders: [], userId: 'PractitionerRole/role-li' }));
    expect(ctx).toMatchObject({ practitionerId: 'prac-li', organizationId: 'org-hz-mch', organizationVia: 'practitioner-role' });
    expect(ctx.practitioner?.id).toBe('prac-li');
  });

  it('no role → the Encounter.serviceProvider', () => {
    const ctx = resolveOrderingContext(
      snapshotOf({
        resources: [...base, encounter('enc-1', 'org-hz-mch')],
        orders: [],
        userId: 'Practitioner/prac-li',
        encounterId: 'enc-1',
      }),
    );
    expect(ctx).toMatchObject({ organizationId: 'org-hz-mch', organizationVia: 'encounter', encounter: 'Encounter/enc-1' });
  });

  it('nothing resolvable → empty context, no exception', () => {
    expect(resolveOrderingContext(snapshotOf({ orders: [] }))).toEqual({});
    expect(resolveOrderingContext(snapshotOf({ orders: [], userId: 'PractitionerRole/missing' }))).toEqual({});
  });
});
