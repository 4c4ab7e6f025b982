import { z } from 'zod';
import type { HookRequest } from './wire.js';
import type { IssueDetail } from '../errors/app-error.js';
import type { HookName } from './hooks.js';
import { issuesToDetails } from './zod-issues.js';

/** A FHIR id (https://hl7.org/fhir/R4/datatypes.html#id); also keeps prefetch templates injection-free. */
export const fhirIdSchema = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'must be a FHIR id ([A-Za-z0-9-.]{1,64})');

/** A relative reference `Type/id` to one of the given resource types. */
const referenceTo = (types: readonly string[]) =>
  z.string().regex(new RegExp(`^(${types.join('|')})/[A-Za-z0-9\\-.]{1,64}$`), `must be a reference to ${types.join(' | ')}`);

/**
 * `fhirAuthorization` (https://cds-hooks.hl7.org/2.0/#passing-the-access-token-to-the-cds-service):
 * an OAuth 2.0 access token the service may use against `fhirServer`. Never logged.
 */
export const fhirAuthorizationSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().nonnegative(),
  scope: z.string().min(1),
  subject: z.string().min(1),
  patient: z.string().min(1).optional(),
});

/**
 * The CDS Hooks 2.0 HTTP request (https://cds-hooks.hl7.org/2.0/#http-request-1). Unknown fields
 * pass through (`looseObject`); `prefetch` values may be any JSON, including `null` ("no data").
 * If `fhirAuthorization` is present, `fhirServer` must be too.
 */
export const hookRequestSchema = z
  .looseObject({
    hook: z.string().min(1),
    hookInstance: z.string().min(1),
    fhirServer: z.url({ protocol: /^https?$/ }).optional(),
    fhirAuthorization: fhirAuthorizationSchema.optional(),
    context: z.looseObject({}),
    prefetch: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.fhirAuthorization && r.fhirServer === undefined) {
      ctx.addIssue({ code: 'custom', message: 'fhirServer is required when fhirAuthorization is present', path: ['fhirServer'] });
    }
  });

export type ParsedHookRequest = z.infer<typeof hookRequestSchema>;

/** FHIR Bundle of draft orders (`context.draftOrders` of order-select / order-sign). */
export const draftOrdersSchema = z.looseObject({
  resourceType: z.literal('Bundle'),
  entry: z
    .array(
      z.looseObject({
        resource: z.looseObject({
          resourceType: z.string().regex(/^[A-Z][A-Za-z]+$/, 'must be a FHIR resource type'),
          id: fhirIdSchema.optional(),
        }),
      }),
    )
    .optional(),
});

const anyUser = referenceTo(['Practitioner', 'PractitionerRole', 'Patient', 'RelatedPerson']);
const clinician = referenceTo(['Practitioner', 'PractitionerRole']);

/** https://cds-hooks.org/hooks/patient-view/ (context) */
export const patientViewContextSchema = z.looseObject({
  userId: anyUser,
  patientId: fhirIdSchema,
  encounterId: fhirIdSchema.optional(),
});

/** https://cds-hooks.org/hooks/encounter-start/ (context) */
export const encounterStartContextSchema = z.looseObject({
  userId: anyUser,
  patientId: fhirIdSchema,
  encounterId: fhirIdSchema,
});

/** https://cds-hooks.org/hooks/order-select/ (context): selections reference draftOrders entries. */
export const orderSelectContextSchema = z
  .looseObject({
    userId: clinician,
    patientId: fhirIdSchema,
    encounterId: fhirIdSchema.optional(),
    selections: z.array(z.string().min(1)).min(1),
    draftOrders: draftOrdersSchema,
  })
  .superRefine((c, ctx) => {
    const present = new Set((c.draftOrders.entry ?? []).map((e) => `${e.resource.resourceType}/${e.resource.id ?? ''}`));
    c.selections.forEach((s, i) => {
      if (!present.has(s)) ctx.addIssue({ code: 'custom', message: `selection ${s} is not in draftOrders`, path: ['selections', i] });
    });
  });

/** https://cds-hooks.org/hooks/order-sign/ (context) */
export const orderSignContextSchema = z.looseObject({
  userId: clinician,
  patientId: fhirIdSchema,
  encounterId: fhirIdSchema.optional(),
  draftOrders: draftOrdersSchema,
});

export const HOOK_CONTEXT_SCHEMAS: Readonly<Record<HookName, z.ZodType<Record<string, unknown>>>> = Object.freeze({
  'patient-view': patientViewContextSchema,
  'encounter-start': encounterStartContextSchema,
  'order-select': orderSelectContextSchema,
  'order-sign': orderSignContextSchema,
});

export type ValidationResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: IssueDetail[] };

/** Validates the envelope of a hook request (not yet the hook-specific context). */
export function parseHookRequest(body: unknown): ValidationResult<HookRequest> {
  const r = hookRequestSchema.safeParse(body);
  return r.success ? { ok: true, value: r.data } : { ok: false, issues: issuesToDetails(r.error.issues) };
}

/** Validates `context` against the schema of `hook`; issue paths start with `context`. */
export function parseHookContext(hook: HookName, context: unknown): ValidationResult<Record<string, unknown>> {
  const r = HOOK_CONTEXT_SCHEMAS[hook].safeParse(context);
  return r.success ? { ok: true, value: r.data } : { ok: false, issues: issuesToDetails(r.error.issues, 'context') };
}
