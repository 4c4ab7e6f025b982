import type { Resource } from '@medplum/fhirtypes';
import { SERVICE_IDS } from '../../../src/cds-hooks/hooks.js';
import type { ServiceId } from '../../../src/engine/rule.js';
import type { FhirEhr } from '../../support/fhir-router-server.js';
import { example, resourcesOf, type HookBody, type WireCard } from './e2e-app.js';
import { prefetchTemplates } from './fhir-fallback.js';

/**
 * An EHR in front of the FhirRouter test server (test/support/fhir-router-server.ts): its record
 * is the shipped examples' (杭州市示例妇幼保健院, 王芳, 张丽), it fills prefetch the way CDS Hooks 2.0
 * describes (each template rendered from the context and run against its own server; a template
 * it cannot render is left out), and it names its user as a Practitioner or a PractitionerRole.
 */
export const SERVICES: readonly ServiceId[] = SERVICE_IDS;
export const PRACTITIONER_USER = 'Practitioner/pr-wang-fang';
export const ROLE_USER = 'PractitionerRole/prr-wang-fang-1';
export const HOSPITAL = 'org-hz-demo-mch';

/** How the EHR sends its data: all prefetch, none (the service fetches), or some keys left out. */
export type DataMode = 'prefetch' | 'fallback' | 'partial';
export const DATA_MODES: readonly DataMode[] = ['prefetch', 'fallback', 'partial'];

/** Every resource of the four examples' prefetch (first one wins for a repeated Type/id). */
export function exampleRecord(): Resource[] {
  const byRef = new Map<string, Resource>();
  for (const id of SERVICES) {
    for (const value of Object.values(example(id).prefetch ?? {})) {
      for (const r of resourcesOf(value)) {
        const ref = `${r.resourceType}/${r.id ?? ''}`;
        if (!byRef.has(ref)) byRef.set(ref, r);
      }
    }
  }
  return [...byRef.values()];
}

const USER_TOKENS: Readonly<Record<string, string>> = {
  userPractitionerId: 'Practitioner',
  userPractitionerRoleId: 'PractitionerRole',
  userPatientId: 'Patient',
  userRelatedPersonId: 'RelatedPerson',
};

/**
 * A prefetch template rendered as the EHR does it (written here, not taken from src):
 * `{{context.X}}` and the `user…Id` tokens, percent-encoded; `undefined` when a token has no value
 * for this context (the EHR then leaves the key out).
 */
export function renderEhrTemplate(template: string, context: Readonly<Record<string, unknown>>): string | undefined {
  let unrenderable = false;
  const out = template.replace(/\{\{\s*([^{}]+?)\s*\}\}/g, (_m, token: string) => {
    let value: unknown;
    if (token.startsWith('context.')) value = context[token.slice('context.'.length)];
    else {
      const type = USER_TOKENS[token];
      const user = typeof context['userId'] === 'string' ? context['userId'] : '';
      value = type && user.startsWith(`${type}/`) ? user.slice(type.length + 1) : undefined;
    }
    if (typeof value !== 'string' || value === '') unrenderable = true;
    return encodeURIComponent(String(value));
  });
  return unrenderable ? undefined : out;
}

/** True for the keys that say who the user is or where the call happens (user and encounter tokens). */
export function isWhoOrWhereKey(template: string): boolean {
  return /\{\{\s*(user\w+Id|context\.encounterId)\s*\}\}/.test(template);
}

/**
 * The prefetch the EHR sends for `mode`: every key it can render (`prefetch`), none (`fallback`),
 * or (`partial`) without the who/where keys and every other remaining key.
 */
export async function prefetchFor(
  ehr: FhirEhr,
  service: ServiceId,
  context: Readonly<Record<string, unknown>>,
  mode: DataMode,
): Promise<Record<string, unknown> | undefined> {
  if (mode === 'fallback') return undefined;
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [key, template] of Object.entries(prefetchTemplates(service))) {
    if (mode === 'partial' && (isWhoOrWhereKey(template) || n++ % 2 === 1)) continue;
    const query = renderEhrTemplate(template, context);
    if (query === undefined) continue;
    const answer = await ehr.get(query);
    if (answer.status === 200 && answer.body) out[key] = answer.body;
  }
  return out;
}

/**
 * The example call of `service` from `user`, against `ehr`, with the prefetch of `mode`; `rename`
 * maps the example's JSON text to another EHR's ids and names.
 */
export async function callFrom(
  ehr: FhirEhr,
  service: ServiceId,
  user: string,
  mode: DataMode,
  rename: (json: string) => string = (j) => j,
): Promise<HookBody> {
  const base = JSON.parse(rename(JSON.stringify(example(service)))) as HookBody;
  const context = { ...base.context, userId: user };
  const prefetch = await prefetchFor(ehr, service, context, mode);
  return {
    hookInstance: base.hookInstance,
    hook: base.hook,
    fhirServer: ehr.fhirServer,
    fhirAuthorization: {
      access_token: ehr.accessToken,
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'user/*.read',
      subject: 'cds-service',
    },
    context,
    ...(prefetch === undefined ? {} : { prefetch }),
  };
}

/** What an answer decides: per card, its indicator, the rules it fired and the rules that could not decide. */
export interface CardAnswer {
  readonly indicator: WireCard['indicator'];
  readonly fired: readonly string[];
  readonly undecided: readonly string[];
}

export function answerOf(body: unknown): CardAnswer[] {
  const cards = (body as { cards?: WireCard[] }).cards ?? [];
  return cards
    .map((c) => ({
      indicator: c.indicator,
      fired: [...new Set(((c.extension?.['org.prenatal-cds.findings'] ?? []) as { rule: string }[]).map((f) => f.rule))].sort(),
      undecided: [...new Set(((c.extension?.['org.prenatal-cds.undecided'] ?? []) as { rule: string }[]).map((u) => u.rule))].sort(),
    }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** The undecided entries (rule and reason) of an answer. */
export function undecidedOf(body: unknown): { rule: string; reason: string }[] {
  const cards = (body as { cards?: WireCard[] }).cards ?? [];
  return cards.flatMap((c) => (c.extension?.['org.prenatal-cds.undecided'] ?? []) as { rule: string; reason: string }[]);
}
