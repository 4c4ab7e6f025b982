import { z } from 'zod';
import { ALL_RULE_IDS } from '../engine/rule-ids.js';
import { cdsResponseSchema } from './card-schema.js';
import { FINDINGS_EXTENSION, UNDECIDED_EXTENSION } from './extensions.js';
import { formatPath } from './zod-issues.js';

/** One finding on the wire (docs/design.md#findings-extension, https://cds-hooks.hl7.org/2.0/#extensions). */
export const wireFindingSchema = z.looseObject({
  rule: z.string().refine((r) => (ALL_RULE_IDS as readonly string[]).includes(r), 'is not a rule id of docs/rules.md'),
  citation: z.string().min(1),
  evidence: z.array(z.string().min(1)),
  params: z.record(z.string(), z.unknown()),
});

const findingsSchema = z.array(wireFindingSchema).min(1, 'every card carries at least one finding');

/** One undecided outcome on the wire (docs/design.md#undecided). */
export const wireUndecidedSchema = z.looseObject({
  rule: z.string().refine((r) => (ALL_RULE_IDS as readonly string[]).includes(r), 'is not a rule id of docs/rules.md'),
  reason: z.string().min(1),
  evidence: z.array(z.string().min(1)),
});
const undecidedSchema = z.array(wireUndecidedSchema).min(1, 'the undecided card lists at least one rule');
const uuidSchema = z.uuid();

/**
 * Checks a CDS Hooks response body against our contract: the CDS Hooks 2.0 response schema
 * (https://cds-hooks.hl7.org/2.0/#cds-service-response, as owned in card-schema.ts) plus our
 * invariants — card and suggestion uuids are UUIDs and unique; every card carries
 * `extension["org.prenatal-cds.findings"]` with known rule ids, except the one "could not decide"
 * card, which carries `extension["org.prenatal-cds.undecided"]` instead and comes last, with
 * indicator `info`. Returns problems; empty = conforms.
 */
export function checkResponseConformance(body: unknown): string[] {
  const r = cdsResponseSchema.safeParse(body);
  if (!r.success) return r.error.issues.map((i) => `${formatPath(i.path) || '(root)'}: ${i.message}`);
  const problems: string[] = [];
  const cardUuids = new Set<string>();
  const suggestionUuids = new Set<string>();
  r.data.cards.forEach((card, ci) => {
    const at = `cards[${ci}]`;
    if (!uuidSchema.safeParse(card.uuid).success) problems.push(`${at}.uuid: not a UUID`);
    if (cardUuids.has(card.uuid)) problems.push(`${at}.uuid: duplicate card uuid ${card.uuid}`);
    cardUuids.add(card.uuid);
    card.suggestions?.forEach((s, si) => {
      if (s.uuid === undefined) return; // reported by cardSchema
      if (!uuidSchema.safeParse(s.uuid).success) problems.push(`${at}.suggestions[${si}].uuid: not a UUID`);
      if (suggestionUuids.has(s.uuid)) problems.push(`${at}.suggestions[${si}].uuid: duplicate suggestion uuid ${s.uuid}`);
      suggestionUuids.add(s.uuid);
    });
    const undecided = card.extension?.[UNDECIDED_EXTENSION];
    if (undecided !== undefined) {
      const u = undecidedSchema.safeParse(undecided);
      if (!u.success) {
        for (const i of u.error.issues) problems.push(`${formatPath(i.path, `${at}.extension["${UNDECIDED_EXTENSION}"]`)}: ${i.message}`);
      }
      if (card.indicator !== 'info') problems.push(`${at}.indicator: the undecided card is info`);
      if (ci !== r.data.cards.length - 1) problems.push(`${at}: the undecided card comes after every other card`);
      if (card.extension?.[FINDINGS_EXTENSION] !== undefined) problems.push(`${at}: the undecided card carries no findings`);
      return;
    }
    const f = findingsSchema.safeParse(card.extension?.[FINDINGS_EXTENSION]);
    if (!f.success) {
      for (const i of f.error.issues) problems.push(`${formatPath(i.path, `${at}.extension["${FINDINGS_EXTENSION}"]`)}: ${i.message}`);
    }
  });
  return problems;
}
