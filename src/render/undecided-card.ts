import type { Card } from '../cds-hooks/card-schema.js';
import { UNDECIDED_EXTENSION } from '../cds-hooks/extensions.js';
import type { RuleError, Undecided } from '../engine/rule.js';
import { fitSummary } from './card-kit.js';
import { escapeMarkdown } from './escape.js';
import { isolate } from './isolate.js';
import { message, type Locale } from './messages.js';

/** A rule that threw, with its title, as the undecided card reports it ("could not evaluate"). */
export interface FailedRule {
  readonly error: RuleError;
  readonly title: Undecided['title'];
}

export interface UndecidedCardInput {
  readonly undecided: readonly Undecided[];
  readonly failed: readonly FailedRule[];
  readonly locale: Locale;
  readonly newId: () => string;
}

/** The wire reason of a rule that threw: no error text leaves the service (the audit keeps it). */
export const RULE_ERROR_REASON = 'rule-error: could not evaluate';

/**
 * The one "could not decide" card of an answer (docs/design.md#undecided): indicator `info`, after
 * every other card, listing each rule that could neither fire nor rule out (what is missing and
 * where) and each rule that failed, with extension `org.prenatal-cds.undecided` =
 * `[{ rule, reason, evidence }]`. It carries no findings: `org.prenatal-cds.findings` stays "fired
 * rules only". `undefined` when there is nothing to report.
 */
export function buildUndecidedCard(input: UndecidedCardInput): Card | undefined {
  const { undecided, failed, locale: l } = input;
  if (undecided.length === 0 && failed.length === 0) return undefined;
  const titles = [...new Set([...undecided.map((u) => u.title[l]), ...failed.map((f) => f.title[l])])];
  const summary = fitSummary(
    (first) =>
      titles.length === 1
        ? message(l, 'undecided.summary', { rules: first })
        : message(l, 'undecided.summary.count', { rule: first, count: titles.length - 1 }),
    titles[0]!,
    false,
  );
  const lines = [message(l, 'undecided.detail.intro'), ''];
  for (const u of undecided) {
    // The reason and the references may quote the record: isolated (docs/conventions.md#escaping).
    const refs =
      u.evidence.length > 0
        ? ` ${message(l, 'undecided.detail.evidence', { refs: escapeMarkdown(u.evidence.map(isolate).join(', ')) })}`
        : '';
    lines.push(
      `- ${message(l, 'undecided.detail.item', { title: escapeMarkdown(u.title[l]), reason: escapeMarkdown(isolate(u.reason)) })}${refs}`,
    );
  }
  for (const f of failed) lines.push(`- ${message(l, 'undecided.detail.error', { title: escapeMarkdown(f.title[l]) })}`);
  lines.push('', message(l, 'undecided.detail.closing'));
  return {
    uuid: input.newId(),
    summary,
    indicator: 'info',
    detail: lines.join('\n'),
    source: { label: message(l, 'undecided.source') },
    extension: {
      [UNDECIDED_EXTENSION]: [
        ...undecided.map((u) => ({ rule: u.rule, reason: u.reason, evidence: [...u.evidence] })),
        ...failed.map((f) => ({ rule: f.error.rule, reason: RULE_ERROR_REASON, evidence: [] })),
      ],
    },
  };
}
