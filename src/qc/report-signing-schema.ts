import { z } from 'zod';
import type { Bundle } from '@medplum/fhirtypes';
import { issuesToDetails } from '../cds-hooks/zod-issues.js';
import type { IssueDetail } from '../errors/app-error.js';

/**
 * The body of `POST /qc/report-signing`: a FHIR Bundle (https://hl7.org/fhir/R4/bundle.html) of
 * DiagnosticReport and Practitioner entries. Only the members the check reads are validated
 * (strings and arrays where it expects them); everything else passes through.
 */
const coding = z.looseObject({ system: z.string().optional(), code: z.string().optional() });
const concept = z.looseObject({ coding: z.array(coding).optional() });
const period = z.looseObject({ start: z.string().optional(), end: z.string().optional() });

const diagnosticReport = z.looseObject({
  resourceType: z.literal('DiagnosticReport'),
  id: z.string().optional(),
  code: concept,
  issued: z.iso.datetime({ offset: true }).optional(),
  resultsInterpreter: z.array(z.looseObject({ reference: z.string().optional() })).optional(),
});

const practitioner = z.looseObject({
  resourceType: z.literal('Practitioner'),
  id: z.string().optional(),
  qualification: z.array(z.looseObject({ code: concept, period: period.optional() })).optional(),
});

export const signingBundleSchema = z.looseObject({
  resourceType: z.literal('Bundle'),
  entry: z
    .array(
      z.looseObject({
        fullUrl: z.string().optional(),
        resource: z.discriminatedUnion('resourceType', [diagnosticReport, practitioner]),
      }),
    )
    .max(10_000)
    .optional(),
});

/** Parses the body; issues carry FHIRPath-like paths (`Bundle.entry[0].resource.code`). */
export function parseSigningBundle(body: unknown): { ok: true; value: Bundle } | { ok: false; issues: IssueDetail[] } {
  const r = signingBundleSchema.safeParse(body);
  return r.success ? { ok: true, value: r.data as unknown as Bundle } : { ok: false, issues: issuesToDetails(r.error.issues, 'Bundle') };
}
