import { z } from 'zod';

/**
 * CDS Hooks 2.0 response wire types, owned here as zod schemas (we do not trust a library's CDS
 * types as our contract). Spec: https://cds-hooks.hl7.org/2.0/#cds-service-response
 * Unknown fields pass through (`looseObject`), as the spec's extensibility requires.
 */

const uuid = z.string().min(1);

/** https://cds-hooks.hl7.org/2.0/#source */
export const sourceSchema = z.looseObject({
  label: z.string().min(1),
  url: z.url().optional(),
  icon: z.url().optional(),
  topic: z.looseObject({ system: z.string().optional(), code: z.string().optional(), display: z.string().optional() }).optional(),
});

/** https://cds-hooks.hl7.org/2.0/#action */
export const actionSchema = z
  .looseObject({
    type: z.enum(['create', 'update', 'delete']),
    description: z.string().min(1),
    resource: z.looseObject({ resourceType: z.string().min(1) }).optional(),
    resourceId: z.array(z.string().min(1)).optional(),
  })
  .superRefine((a, ctx) => {
    if ((a.type === 'create' || a.type === 'update') && !a.resource) {
      ctx.addIssue({ code: 'custom', message: `${a.type} action requires resource`, path: ['resource'] });
    }
    if (a.type === 'delete' && !a.resourceId?.length) {
      ctx.addIssue({ code: 'custom', message: 'delete action requires resourceId', path: ['resourceId'] });
    }
  });

/** https://cds-hooks.hl7.org/2.0/#suggestion */
export const suggestionSchema = z.looseObject({
  label: z.string().min(1),
  uuid: uuid.optional(),
  isRecommended: z.boolean().optional(),
  actions: z.array(actionSchema).optional(),
});

/** https://cds-hooks.hl7.org/2.0/#link */
export const linkSchema = z
  .looseObject({
    label: z.string().min(1),
    url: z.url(),
    type: z.enum(['absolute', 'smart']),
    appContext: z.string().optional(),
  })
  .refine((l) => l.appContext === undefined || l.type === 'smart', {
    message: 'appContext is only allowed on smart links',
    path: ['appContext'],
  });

/** https://cds-hooks.hl7.org/2.0/#overridereason */
export const codingSchema = z.looseObject({
  code: z.string().min(1),
  system: z.string().min(1),
  display: z.string().min(1),
});

/** https://cds-hooks.hl7.org/2.0/#card-attributes */
export const cardSchema = z
  .looseObject({
    uuid: uuid,
    summary: z.string().min(1).max(139, 'summary must be shorter than 140 characters'),
    detail: z.string().optional(),
    indicator: z.enum(['info', 'warning', 'critical']),
    source: sourceSchema,
    suggestions: z.array(suggestionSchema).optional(),
    selectionBehavior: z.enum(['at-most-one', 'any']).optional(),
    overrideReasons: z.array(codingSchema).optional(),
    links: z.array(linkSchema).optional(),
    extension: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.suggestions?.length && !c.selectionBehavior) {
      ctx.addIssue({ code: 'custom', message: 'selectionBehavior is required when suggestions are present', path: ['selectionBehavior'] });
    }
    // Every suggestion of ours carries a uuid (docs/design.md#contract) so feedback can name it.
    c.suggestions?.forEach((s, i) => {
      if (!s.uuid)
        ctx.addIssue({ code: 'custom', message: 'suggestion uuid is required by this service', path: ['suggestions', i, 'uuid'] });
    });
  });

/** https://cds-hooks.hl7.org/2.0/#system-action */
export const systemActionSchema = actionSchema;

/** https://cds-hooks.hl7.org/2.0/#cds-service-response */
export const cdsResponseSchema = z.looseObject({
  cards: z.array(cardSchema),
  systemActions: z.array(systemActionSchema).optional(),
});

export type Source = z.infer<typeof sourceSchema>;
export type Action = z.infer<typeof actionSchema>;
export type Suggestion = z.infer<typeof suggestionSchema>;
export type Link = z.infer<typeof linkSchema>;
export type Coding = z.infer<typeof codingSchema>;
export type Card = z.infer<typeof cardSchema>;
export type CdsResponse = z.infer<typeof cdsResponseSchema>;
