import type { Extension, Organization, PractitionerRole, Resource, ServiceRequest } from '@medplum/fhirtypes';
import { cardSchema, type Card } from '../../src/cds-hooks/card-schema.js';
import type { Locale } from '../../src/render/messages.js';
import { fixedClock, type ClinicalNow } from '../../src/clock.js';
import { EXTENSIONS, SYSTEMS } from '../../src/clinical/codes.js';
import { evaluateReferral } from '../../src/referral/evaluate.js';
import { addDays } from '../../src/calendar/index.js';
import { DEFAULT_POLICY, parsePolicy, type Policy, type PolicyOverrides } from '../../src/clinical/policy.js';
import type { Finding } from '../../src/engine/rule.js';
import { createSnapshot, type PatientSnapshot, type UnresolvedReference } from '../../src/fhir/snapshot.js';
import { evaluateNiptOrder, type NiptEvaluation } from '../../src/nipt/evaluate.js';
import type { NiptHook } from '../../src/nipt/facts.js';
import { loadInstitutionFacts } from '../../src/nipt/institution.js';
import { createNiptService } from '../../src/nipt/service.js';
import type { NiptRule } from '../../src/nipt/rules/common.js';
import type { RegistryStore } from '../../src/orders/credential-records.js';
import type { HookRequest } from '../../src/cds-hooks/wire.js';
import type { ServiceResult } from '../../src/engine/service.js';
import { MemoryRegistryStore } from '../../src/registry/memory-registry-store.js';
import { eddObs, PID, patient, SUBJECT } from '../clinical/fixtures.js';

/**
 * NIPT fixtures: a prenatal clinic visit in Hangzhou on 2025-06-01 (10:00 Asia/Shanghai). By default
 * the woman (born 1995-05-05) has a clinical EDD 2025-11-02 ⇒ GA 18+0 (inside 12+0..22+6), the
 * ordering physician works at a prenatal-diagnosis institution, and one NIPT order is selected.
 */
export const TZ = 'Asia/Shanghai';
export const NOW: ClinicalNow = fixedClock('2025-06-01T02:00:00Z', TZ).now();
export const TODAY = NOW.today;
export const EDD = '2025-11-02';
export const daysAgo = (n: number) => addDays(TODAY, -n);
/** The EDD that makes GA today `w+d`. */
export const eddForGa = (weeks: number, days: number) => addDays(TODAY, 280 - (weeks * 7 + days));

export function niptOrder(id = 'sr-nipt-1', extra: Partial<ServiceRequest> = {}): ServiceRequest {
  return {
    resourceType: 'ServiceRequest',
    id,
    status: 'draft',
    intent: 'order',
    category: [{ coding: [{ system: SYSTEMS.mchTechnique, code: 'prenatal-screening' }] }],
    code: {
      coding: [{ system: SYSTEMS.prenatalOrder, code: 'nipt', display: '孕妇外周血胎儿游离DNA产前筛查' }],
      text: '孕妇外周血胎儿游离DNA产前筛查',
    },
    subject: SUBJECT,
    authoredOn: '2025-06-01T10:00:00+08:00',
    ...extra,
  };
}

export const cbcOrder = (id = 'sr-cbc'): ServiceRequest => ({
  resourceType: 'ServiceRequest',
  id,
  status: 'draft',
  intent: 'order',
  subject: SUBJECT,
  code: { coding: [{ system: SYSTEMS.loinc, code: '58410-2', display: '血常规' }], text: '血常规' },
});

export const role = (r: string): Extension => ({ url: EXTENSIONS.mchInstitutionRole, valueCode: r });
export const cooperation = (partnerId: string, start: string, end?: string): Extension => ({
  url: EXTENSIONS.niptCooperation,
  extension: [
    { url: 'partner', valueReference: { reference: `Organization/${partnerId}` } },
    { url: 'period', valuePeriod: { start, ...(end ? { end } : {}) } },
  ],
});

export function org(id: string, extension: Extension[], name = '杭州市妇幼保健院'): Organization {
  return { resourceType: 'Organization', id, name, extension };
}
export const diagnosisOrg = (id = 'org-hz-mch') => org(id, [role('prenatal-diagnosis-institution')]);
export const screeningOrg = (id: string, coop: Extension[]) =>
  org(id, [role('prenatal-screening-institution'), ...coop], '西湖区妇幼保健所');

export function roleAt(orgId: string): PractitionerRole {
  return {
    resourceType: 'PractitionerRole',
    id: 'role-wang',
    active: true,
    practitioner: { reference: 'Practitioner/prac-wang' },
    organization: { reference: `Organization/${orgId}` },
  };
}

export interface Scenario {
  /** Clinical resources besides the patient; default: the clinical EDD. */
  resources?: Resource[];
  /** Replace the default EDD (null: no dating at all). */
  edd?: string | null;
  /** Institution resources; default: the prenatal-diagnosis institution and the role there. */
  institution?: Resource[];
  orders?: Resource[];
  selections?: string[];
  patient?: Resource | null;
  userId?: string | null;
  /** References the loader could not fetch (docs/design.md#reference-fetch). */
  unresolved?: UnresolvedReference[];
}

export function scenario(s: Scenario = {}): PatientSnapshot {
  const edd = s.edd === undefined ? EDD : s.edd;
  const dating = edd === null ? [] : [eddObs(edd, { date: '2025-05-01' })];
  const inst = s.institution ?? [diagnosisOrg(), roleAt('org-hz-mch')];
  const orders = s.orders ?? [niptOrder()];
  const pat = s.patient === undefined ? patient() : s.patient;
  return createSnapshot({
    patientId: PID,
    resources: [...(pat ? [pat] : []), ...dating, ...(s.resources ?? []), ...inst],
    draftOrders: orders,
    selections: s.selections ?? orders.map((o) => `ServiceRequest/${o.id ?? ''}`),
    ...(s.userId === null ? {} : { userId: s.userId ?? 'Practitioner/prac-wang' }),
    ...(s.unresolved ? { unresolved: s.unresolved } : {}),
  });
}

export function policyOf(over?: PolicyOverrides): Policy {
  return over ? parsePolicy(over) : DEFAULT_POLICY;
}

/** Evaluates the first draft order as the service does (same facts, same institution loader). */
export async function evaluate(
  s: Scenario = {},
  opts: { hook?: NiptHook; registry?: RegistryStore; policy?: PolicyOverrides; now?: ClinicalNow } = {},
): Promise<NiptEvaluation & { reasons: string[] }> {
  const snapshot = scenario(s);
  const policy = policyOf(opts.policy);
  const now = opts.now ?? NOW;
  const referral = evaluateReferral(snapshot, policy, now);
  const institution = await loadInstitutionFacts(snapshot, opts.registry ?? new MemoryRegistryStore(), policy);
  const order = snapshot.draftOrders[0] as ServiceRequest;
  const ev = evaluateNiptOrder(order, {
    snapshot,
    policy,
    now,
    facts: { hook: opts.hook ?? 'order-select', pregnancy: referral.facts, referral, institution },
  });
  return { ...ev, reasons: ev.findings.slice(1).map((f) => f.rule) };
}

/** The finding of `rule` (throws when absent, failing the test). */
export function findingOf(ev: { findings: readonly Finding[] }, rule: string): Finding {
  const f = ev.findings.find((x) => x.rule === rule);
  if (!f) throw new Error(`no ${rule} finding in ${ev.findings.map((x) => x.rule).join(', ')}`);
  return f;
}

export const request = (hook: NiptHook): HookRequest => ({ hook, hookInstance: '8a5d1c9e-3f0b-4c2a-9d7e-51b2a6c0e4f1', context: {} });

export interface ServiceRun {
  readonly result: ServiceResult;
  readonly cards: readonly Card[];
  readonly ids: readonly string[];
}

/** Runs the NIPT service; every card must parse with the shared card schema. */
export async function runService(
  s: Scenario = {},
  opts: { hook?: NiptHook; registry?: RegistryStore; policy?: PolicyOverrides; locale?: Locale; rules?: readonly NiptRule[] } = {},
): Promise<ServiceRun> {
  const ids: string[] = [];
  const hook = opts.hook ?? 'order-select';
  const service = createNiptService({
    registry: opts.registry ?? new MemoryRegistryStore(),
    policy: policyOf(opts.policy),
    locale: opts.locale ?? 'zh-CN',
    hook,
    ...(opts.rules ? { rules: opts.rules } : {}),
    newId: () => {
      const id = `00000000-0000-4000-8000-${String(ids.length + 1).padStart(12, '0')}`;
      ids.push(id);
      return id;
    },
  });
  const result = await service({ snapshot: scenario(s), request: request(hook), now: NOW });
  for (const c of result.cards.map((c) => c.card)) cardSchema.parse(c);
  return { result, cards: result.cards.map((c) => c.card), ids };
}

/** The findings of a card's extension, as an EHR reads them. */
export function cardFindings(card: Card): Finding[] {
  return (card.extension?.['org.prenatal-cds.findings'] as Finding[] | undefined) ?? [];
}
