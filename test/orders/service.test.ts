import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { SYSTEMS } from '../../src/clinical/codes.js';
import type { RegistryStore } from '../../src/orders/credential-records.js';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import {
  amnio,
  cbc,
  day,
  ehrResources,
  encounter,
  goodOrganization,
  goodPractitioner,
  licenceExtension,
  nipt,
  order,
  organization,
  practitioner,
  qualification,
  serum,
  sexDetermination,
  yearsAgo,
} from './support/fixtures.js';
import { ruleReasons, runOrderSign } from './support/run.js';

const user = 'Practitioner/prac-li';

describe('special-technique-order-sign: which orders get a card', () => {
  it('orders that are not special techniques are silent (and the registry is not consulted)', async () => {
    const registry: RegistryStore = {
      upsert: () => Promise.reject(new Error('unused')),
      practitioner: () => Promise.reject(new Error('must not be called')),
      organization: () => Promise.reject(new Error('must not be called')),
      findPractitioner: () => Promise.reject(new Error('must not be called')),
      findOrganization: () => Promise.reject(new Error('must not be called')),
      list: () => Promise.reject(new Error('unused')),
    };
    const med: Resource = {
      resourceType: 'MedicationRequest',
      id: 'mr-1',
      status: 'draft',
      intent: 'order',
      subject: { reference: 'Patient/p' },
    } as Resource;
    const { result } = await runOrderSign({ orders: [cbc(), med], userId: user }, { registry });
    expect(result).toEqual({ now: result.now, cards: [], undecided: [], ruleErrors: [] });
    expect(result.now.today).toBe('2025-06-15');
  });

  it('a special-technique order that passes every check gets no card', async () => {
    const { cards } = await runOrderSign({ resources: ehrResources(), orders: [amnio(), nipt(), serum()], userId: user });
    expect(cards).toEqual([]);
  });

  it('multiple draft orders of different techniques are judged independently', async () => {
    // Diagnosis certificate expired, screening certificate fine; licence covers both.
    const p = practitioner('prac-li', [
      qualification('prenatal-diagnosis', { number: 'PD-1', end: day(-1), lastTraining: yearsAgo(1) }),
      qualification('prenatal-screening', { number: 'PS-1', end: '2027-01-01', lastTraining: yearsAgo(1) }),
    ]);
    const ligation = order('sr-lig', SYSTEMS.mchTechnique, 'ligation', '输卵管结扎术');
    const { cards, result } = await runOrderSign({
      resources: ehrResources({ practitioner: p }),
      orders: [amnio(), serum(), ligation, cbc()],
      userId: user,
    });
    expect(cards).toHaveLength(2);
    const byOrder = Object.fromEntries(
      cards.map((c) => [(c.extension!['org.prenatal-cds.findings'] as { params: { order: string } }[])[0]!.params.order, c]),
    );
    expect(Object.keys(byOrder).sort()).toEqual(['ServiceRequest/sr-amnio', 'ServiceRequest/sr-lig']);
    expect(ruleReasons(byOrder['ServiceRequest/sr-amnio']!.extension!['org.prenatal-cds.findings'] as never)).toEqual([
      'cert-expired:period-ended',
    ]);
    expect(ruleReasons(byOrder['ServiceRequest/sr-lig']!.extension!['org.prenatal-cds.findings'] as never)).toEqual([
      'cert-missing:no-certificate',
      'licence-missing:technique-not-licensed',
    ]);
    expect(
      result.cards
        .flatMap((c) => c.findings)
        .map((f) => f.rule)
        .sort(),
    ).toEqual(['cert-expired', 'cert-missing', 'licence-missing']);
  });

  it('NIPT is satisfied by either a screening or a diagnosis certificate', async () => {
    const onlyScreening = practitioner('prac-li', [qualification('prenatal-screening', { lastTraining: yearsAgo(1) })]);
    const onlyDiagnosis = practitioner('prac-li', [qualification('prenatal-diagnosis', { lastTraining: yearsAgo(1) })]);
    const neither = practitioner('prac-li', [qualification('midwifery', { lastTraining: yearsAgo(1) })]);
    const screeningLicence = organization('org-hz-mch', [
      licenceExtension({ techniques: ['prenatal-screening'], lastVerified: yearsAgo(1) }),
    ]);
    for (const p of [onlyScreening, onlyDiagnosis]) {
      expect(
        (
          await runOrderSign({
            resources: ehrResources({ practitioner: p, organization: screeningLicence }),
            orders: [nipt()],
            userId: user,
          })
        ).cards,
      ).toEqual([]);
    }
    const { findings } = await runOrderSign({ resources: ehrResources({ practitioner: neither }), orders: [nipt()], userId: user });
    expect(ruleReasons(findings)).toEqual(['cert-missing:no-certificate']);
    expect(findings[0]!.params['techniques']).toEqual(['prenatal-screening', 'prenatal-diagnosis']);
  });

  it('withdrawn drafts (entered-in-error) are not checked', async () => {
    const { cards } = await runOrderSign({ orders: [{ ...amnio(), status: 'entered-in-error' }], userId: user });
    expect(cards).toEqual([]);
  });
});

describe('missing practitioner / institution data: a clear warning, never a crash', () => {
  it.each([
    ['no userId', undefined],
    ['userId to a PractitionerRole not in the data', 'PractitionerRole/role-x'],
    ['userId to a Practitioner neither in the data nor the registry', 'Practitioner/prac-unknown'],
    ['userId that is not a reference', 'prac-li'],
  ])('%s', async (_name, userId) => {
    const { cards, findings, result } = await runOrderSign({
      resources: [goodOrganization()],
      orders: [amnio()],
      ...(userId ? { userId } : {}),
    });
    expect(result.ruleErrors).toEqual([]);
    // Missing data is "could not verify", never a missing certificate (no card claims one).
    expect(findings).toEqual([]);
    expect(cards).toEqual([]);
    expect(result.undecided).toContainEqual(
      expect.objectContaining({
        rule: 'cert-missing',
        reason: expect.stringMatching(/^could not verify: no certificate data found for /),
        evidence: expect.arrayContaining(['ServiceRequest/sr-amnio']),
      }),
    );
  });

  it('no organization (no role, no encounter) → the licence could not be verified: undecided, no card', async () => {
    const { cards, findings, result } = await runOrderSign({ resources: [goodPractitioner()], orders: [amnio()], userId: user });
    expect(findings).toEqual([]);
    expect(cards).toEqual([]);
    expect(result.undecided.map((u) => [u.rule, u.reason])).toEqual([
      ['licence-missing', 'could not verify: no licence data found for the ordering institution (not resolved)'],
    ]);
  });
});

describe('institution: PractitionerRole first, else Encounter.serviceProvider', () => {
  const unlicensed = organization(
    'org-clinic',
    [licenceExtension({ number: 'ZJ-MY-2020-101', techniques: ['midwifery'], lastVerified: yearsAgo(1) })],
    'prenatal-screening-institution',
  );
  const { practitionerRole } = {
    practitionerRole: (id: string, org: string) => ({
      resourceType: 'PractitionerRole' as const,
      id,
      active: true,
      practitioner: { reference: 'Practitioner/prac-li' },
      organization: { reference: `Organization/${org}` },
    }),
  };

  it('the role organization decides even when the encounter is elsewhere', async () => {
    const { cards } = await runOrderSign({
      resources: [
        goodPractitioner(),
        goodOrganization(),
        unlicensed,
        practitionerRole('r1', 'org-hz-mch'),
        encounter('enc-1', 'org-clinic'),
      ],
      orders: [amnio()],
      userId: user,
      encounterId: 'enc-1',
    });
    expect(cards).toEqual([]);
  });

  it('without a role the encounter serviceProvider is the institution', async () => {
    const { findings } = await runOrderSign({
      resources: [goodPractitioner(), goodOrganization(), unlicensed, encounter('enc-1', 'org-clinic')],
      orders: [amnio()],
      userId: user,
      encounterId: 'enc-1',
    });
    expect(ruleReasons(findings)).toEqual(['licence-missing:technique-not-licensed']);
    expect(findings[0]!.params).toMatchObject({
      organization: 'Organization/org-clinic',
      organizationVia: 'encounter',
      licenceNumbers: ['ZJ-MY-2020-101'],
    });
    expect(findings[0]!.evidence).toEqual([
      'ServiceRequest/sr-amnio',
      'Practitioner/prac-li',
      'Encounter/enc-1',
      'Organization/org-clinic',
    ]);
  });
});

describe('credential sources: registry first, then the EHR (CERTIFICATE_SOURCE_ORDER)', () => {
  async function registryWith(validTo: string): Promise<MemoryRegistryStore> {
    const r = new MemoryRegistryStore();
    await r.upsert({
      practitioners: [{ practitionerId: 'prac-li', name: '李敏' }],
      organizations: [],
      certificates: [
        {
          practitionerId: 'prac-li',
          technique: 'prenatal-diagnosis',
          number: 'ZJ-CQ-2019-0002',
          validFrom: '2019-01-01',
          validTo,
          lastTraining: yearsAgo(1),
        },
      ],
      licences: [
        {
          organizationId: 'org-hz-mch',
          number: 'ZJ-MY-2021-007',
          techniques: ['prenatal-diagnosis'],
          validFrom: '2021-06-01',
          validTo: '2027-05-31',
          lastVerified: yearsAgo(1),
        },
      ],
    });
    return r;
  }

  it('the registry decides over the EHR (expired in the registry, valid in the EHR)', async () => {
    const { findings, cards } = await runOrderSign(
      { resources: ehrResources(), orders: [amnio()], userId: user },
      { registry: await registryWith(day(-1)) },
    );
    expect(ruleReasons(findings)).toEqual(['cert-expired:period-ended']);
    expect(findings[0]!.params).toMatchObject({ source: 'registry', certificateNumber: 'ZJ-CQ-2019-0002' });
    expect(cards[0]!.detail).toContain('provincial registry');
  });

  it('policy ["ehr", "registry"] lets the EHR decide', async () => {
    const { findings } = await runOrderSign(
      { resources: ehrResources(), orders: [amnio()], userId: user },
      { registry: await registryWith(day(-1)), policy: { CERTIFICATE_SOURCE_ORDER: ['ehr', 'registry'] } },
    );
    expect(findings).toEqual([]);
  });

  it('registry only (no Practitioner resource in the EHR data)', async () => {
    const { findings } = await runOrderSign(
      { resources: [goodOrganization(), encounter('enc-1', 'org-hz-mch')], orders: [amnio()], userId: user, encounterId: 'enc-1' },
      { registry: await registryWith('2028-01-01') },
    );
    expect(findings).toEqual([]);
  });

  it('EHR only (empty registry): the finding says the EHR decided', async () => {
    const p = practitioner('prac-li', [qualification('prenatal-diagnosis', { end: day(-1), lastTraining: yearsAgo(1) })]);
    const { findings } = await runOrderSign({ resources: ehrResources({ practitioner: p }), orders: [amnio()], userId: user });
    expect(findings[0]!.params).toMatchObject({ source: 'ehr', reason: 'period-ended', validTo: day(-1) });
  });

  it('a technique missing from the registry falls through to the EHR', async () => {
    const { findings } = await runOrderSign(
      { resources: ehrResources(), orders: [serum()], userId: user },
      { registry: await registryWith('2028-01-01') },
    );
    expect(findings).toEqual([]);
  });

  it('a failing registry does not block: the EHR decides and the finding says so', async () => {
    const broken: RegistryStore = {
      upsert: () => Promise.reject(new Error('down')),
      practitioner: () => Promise.reject(new Error('connection refused')),
      organization: () => Promise.reject(new Error('connection refused')),
      findPractitioner: () => Promise.reject(new Error('connection refused')),
      findOrganization: () => Promise.reject(new Error('connection refused')),
      list: () => Promise.reject(new Error('down')),
    };
    const p = practitioner('prac-li', [qualification('prenatal-diagnosis', { end: day(-1), lastTraining: yearsAgo(1) })]);
    const { findings, cards } = await runOrderSign(
      { resources: ehrResources({ practitioner: p }), orders: [amnio()], userId: user },
      { registry: broken },
    );
    expect(findings[0]!.params).toMatchObject({ source: 'ehr', registryUnavailable: true });
    expect(cards[0]!.detail).toContain('could not be reached');
    expect((await runOrderSign({ resources: ehrResources(), orders: [amnio()], userId: user }, { registry: broken })).cards).toEqual([]);
  });
});

describe('the card', () => {
  it('critical card: override reasons with display, remove-order suggestion, findings extension', async () => {
    const p = practitioner('prac-li', [qualification('prenatal-diagnosis', { end: day(-1), lastTraining: yearsAgo(1) })]);
    const { cards } = await runOrderSign({ resources: ehrResources({ practitioner: p }), orders: [amnio('sr-77')], userId: user });
    const card = cards[0]!;
    expect(card.indicator).toBe('critical');
    expect(card.summary.length).toBeLessThan(140);
    expect(card.summary).toBe('羊膜腔穿刺术: prenatal diagnosis certificate expired');
    expect(card.overrideReasons).toEqual([
      {
        system: 'http://prenatal-cds.org/fhir/CodeSystem/override-reason',
        code: 'emergency-clinical-need',
        display: 'Emergency clinical need',
      },
      {
        system: 'http://prenatal-cds.org/fhir/CodeSystem/override-reason',
        code: 'certificate-data-outdated',
        display: 'Certificate or licence data are out of date (credential is valid)',
      },
      {
        system: 'http://prenatal-cds.org/fhir/CodeSystem/override-reason',
        code: 'registry-not-updated',
        display: 'Provincial registry not yet updated',
      },
    ]);
    expect(card.selectionBehavior).toBe('at-most-one');
    expect(card.suggestions).toEqual([
      {
        label: 'Remove this order',
        uuid: expect.any(String),
        isRecommended: true,
        actions: [{ type: 'delete', description: 'Remove the draft order 羊膜腔穿刺术', resourceId: ['ServiceRequest/sr-77'] }],
      },
    ]);
    expect(card.suggestions![0]!.uuid).not.toBe(card.uuid);
    expect(card.detail).toContain('Basis: ZJ\\-2023 Art\\.15');
    expect(card.detail).toContain(`expired on ${day(-1).replace(/-/g, '\\-')}`);
  });

  it('zh-CN wording by default catalogue', async () => {
    const { cards } = await runOrderSign({ resources: ehrResources(), orders: [sexDetermination()], userId: user }, { locale: 'zh-CN' });
    expect(cards[0]!.summary).toBe('胎儿性别鉴定：禁止非医学需要的胎儿性别鉴定');
    expect(cards[0]!.overrideReasons).toEqual([
      { system: SYSTEMS.overrideReason, code: 'medical-necessity-documented', display: '医学需要已另行记录' },
    ]);
    expect(cards[0]!.detail).toContain('依据：ZJ\\-2023 Art\\.31');
  });

  it('record-derived text is escaped in markdown and the summary stays under 140 characters', async () => {
    const evil = order(
      'sr-x',
      SYSTEMS.prenatalOrder,
      'cvs',
      `**CVS** [click](http://evil.example) <script>alert(1)</script>\n# heading ${'x'.repeat(200)}`,
    );
    const p = practitioner('prac-li', [qualification('midwifery', { number: '<b>1</b>' })]);
    const { cards } = await runOrderSign({ resources: ehrResources({ practitioner: p }), orders: [evil], userId: user });
    const card = cards[0]!;
    expect(card.summary.length).toBeLessThan(140);
    expect(card.summary).toContain('…');
    expect(card.detail).not.toContain('<script>');
    expect(card.detail).not.toContain('[click](');
    expect(card.detail).toContain('\\*\\*CVS\\*\\*');
    expect(card.detail!.split('\n').some((l) => l.startsWith('#'))).toBe(false);
  });

  it('a draft without id still gets a card, without a delete suggestion', async () => {
    const noId = { ...amnio(), id: undefined };
    const { cards } = await runOrderSign({
      resources: ehrResources({ practitioner: practitioner('prac-li', []) }),
      orders: [noId],
      userId: user,
    });
    expect(cards[0]!.indicator).toBe('critical');
    expect(cards[0]!.suggestions).toBeUndefined();
  });

  it('does not mutate the frozen snapshot and is deterministic', async () => {
    const parts = { resources: ehrResources({ practitioner: practitioner('prac-li', []) }), orders: [amnio()], userId: user };
    const a = await runOrderSign(parts);
    const b = await runOrderSign(parts);
    expect(a.cards).toEqual(b.cards);
  });
});
