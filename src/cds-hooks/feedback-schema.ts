import { z } from 'zod';
import type { IssueDetail } from '../errors/app-error.js';
import { issuesToDetails } from './zod-issues.js';

/**
 * RFC 3339 date-time with a mandatory offset (`Z` or ±hh:mm), a real calendar date (zod checks
 * month lengths and leap years) that `Date.parse` also accepts.
 */
export const rfc3339Schema = z.iso.datetime({ offset: true }).refine((s) => !Number.isNaN(Date.parse(s)), 'must be an RFC 3339 date-time');

/** A FHIR Coding as echoed in feedback (`overrideReason.reason`); display is optional here. */
const feedbackCodingSchema = z.looseObject({
  system: z.string().min(1),
  code: z.string().min(1),
  display: z.string().optional(),
});

/** https://cds-hooks.hl7.org/2.0/#overridereason-1 */
export const feedbackOverrideReasonSchema = z.looseObject({
  reason: feedbackCodingSchema.optional(),
  userComment: z.string().optional(),
});

/**
 * One feedback item (https://cds-hooks.hl7.org/2.0/#feedback): `accepted` names the accepted
 * suggestions (non-empty); `overridden` accepts none. Unknown fields (e.g. `extension`) pass through.
 */
export const feedbackItemSchema = z
  .looseObject({
    card: z.uuid(),
    outcome: z.enum(['accepted', 'overridden']),
    acceptedSuggestions: z.array(z.looseObject({ id: z.string().min(1) })).optional(),
    overrideReason: feedbackOverrideReasonSchema.optional(),
    outcomeTimestamp: rfc3339Schema,
  })
  .superRefine((f, ctx) => {
    if (f.outcome === 'accepted' && !f.acceptedSuggestions?.length) {
      ctx.addIssue({
        code: 'custom',
        message: 'outcome "accepted" requires a non-empty acceptedSuggestions',
        path: ['acceptedSuggestions'],
      });
    }
    if (f.outcome === 'overridden' && f.acceptedSuggestions?.length) {
      ctx.addIssue({ code: 'custom', message: 'outcome "overridden" must not carry acceptedSuggestions', path: ['acceptedSuggestions'] });
    }
  });

/** The feedback request body (https://cds-hooks.hl7.org/2.0/#feedback): a batch of one or more items. */
export const feedbackRequestSchema = z.looseObject({
  feedback: z.array(feedbackItemSchema).min(1),
});

export type FeedbackItem = z.infer<typeof feedbackItemSchema>;
export type FeedbackRequest = z.infer<typeof feedbackRequestSchema>;

export function parseFeedback(body: unknown): { ok: true; value: FeedbackRequest } | { ok: false; issues: IssueDetail[] } {
  const r = feedbackRequestSchema.safeParse(body);
  return r.success ? { ok: true, value: r.data } : { ok: false, issues: issuesToDetails(r.error.issues) };
}
