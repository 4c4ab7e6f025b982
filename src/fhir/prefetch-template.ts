/**
 * Prefetch template rendering with the CDS Hooks 2.0 prefetch tokens
 * (https://cds-hooks.hl7.org/2.0/#prefetch-tokens).
 *
 * - `{{context.X}}`: a first-level context field whose value is a string or a finite number
 *   (objects such as `draftOrders` are not tokens).
 * - `{{userPractitionerId}}`, `{{userPractitionerRoleId}}`, `{{userPatientId}}`,
 *   `{{userRelatedPersonId}}`: the id part of `context.userId` when it is a reference of that type
 *   (`Practitioner/123` → `userPractitionerId` = `123`).
 *
 * Every substituted value is percent-encoded (`encodeURIComponent`) so that an id cannot add query
 * parameters, fragments or path segments; values made only of dots are refused because URL parsers
 * treat `.`/`..` (even percent-encoded) as dot segments.
 */

/**
 * The result of rendering one template: a relative FHIR query, or which token could not be resolved.
 * `notApplicable` marks a token that does not apply to this call — the context has no such field
 * (no `encounterId`), or `context.userId` is of another type (`{{userPractitionerId}}` for a
 * PractitionerRole user). The EHR omits such keys (https://cds-hooks.hl7.org/2.0/#prefetch-template):
 * their data is not missing, there is none to ask for (docs/design.md#prefetch).
 */
export type TemplateRendering =
  | { readonly ok: true; readonly query: string }
  | { readonly ok: false; readonly token: string; readonly reason: string; readonly notApplicable?: true };

/** `userXId` token → the resource type `context.userId` must reference. */
export const USER_ID_TOKENS: Readonly<Record<string, string>> = Object.freeze({
  userPractitionerId: 'Practitioner',
  userPractitionerRoleId: 'PractitionerRole',
  userPatientId: 'Patient',
  userRelatedPersonId: 'RelatedPerson',
});

const TOKEN = /\{\{\s*([^{}]*?)\s*\}\}/g;
/** `Type/id`, optionally preceded by a server base (`https://ehr/fhir/Practitioner/1`). */
const USER_REFERENCE = /(?:^|\/)(Practitioner|PractitionerRole|Patient|RelatedPerson)\/([^/?#]+)$/;

type TokenValue =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly reason: string; readonly notApplicable?: true };

/** Resolves one token name (without braces) against the hook context; raw, not yet encoded. */
export function resolveToken(token: string, context: Readonly<Record<string, unknown>>): TokenValue {
  if (token.startsWith('context.')) {
    const field = token.slice('context.'.length);
    if (field === '' || field.includes('.')) return { ok: false, reason: 'only first-level context fields are tokens' };
    if (!Object.prototype.hasOwnProperty.call(context, field) || context[field] === undefined || context[field] === null)
      return { ok: false, reason: 'context field is absent', notApplicable: true };
    return scalar(context[field]);
  }
  const type = USER_ID_TOKENS[token];
  if (type === undefined) return { ok: false, reason: 'unknown prefetch token' };
  const userId = context['userId'];
  if (typeof userId !== 'string') return { ok: false, reason: 'context.userId is absent' };
  const m = USER_REFERENCE.exec(userId);
  if (!m) return { ok: false, reason: `context.userId is not a ${type} reference` };
  if (m[1] !== type) return { ok: false, reason: `context.userId is a ${m[1]}, not a ${type}`, notApplicable: true };
  return { ok: true, value: m[2] ?? '' };
}

function scalar(value: unknown): TokenValue {
  if (typeof value === 'string') return value === '' ? { ok: false, reason: 'context field is empty' } : { ok: true, value };
  if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value: String(value) };
  return { ok: false, reason: 'context field is not a string or number' };
}

/** Percent-encodes a token value for any position in a FHIR query; `undefined` when unsafe. */
export function encodeTokenValue(value: string): string | undefined {
  if (/^\.+$/.test(value)) return undefined;
  return encodeURIComponent(value);
}

/**
 * Renders a prefetch template. The first token that cannot be resolved makes the template not
 * renderable: the key is then not applicable to the call (`notApplicable`), or unavailable unless
 * the EHR prefetched it.
 */
export function renderPrefetchTemplate(template: string, context: Readonly<Record<string, unknown>>): TemplateRendering {
  let out = '';
  let last = 0;
  for (const m of template.matchAll(TOKEN)) {
    const token = m[1] ?? '';
    const resolved = resolveToken(token, context);
    if (!resolved.ok) return { ok: false, token, reason: resolved.reason, ...(resolved.notApplicable ? { notApplicable: true } : {}) };
    const encoded = encodeTokenValue(resolved.value);
    if (encoded === undefined) return { ok: false, token, reason: 'value is a dot segment' };
    out += template.slice(last, m.index) + encoded;
    last = m.index + m[0].length;
  }
  out += template.slice(last);
  if (out.includes('{{') || out.includes('}}')) return { ok: false, token: '{{', reason: 'unbalanced braces in template' };
  return { ok: true, query: out };
}
