import type { ServiceRequest } from '@medplum/fhirtypes';
import type { Card, Coding } from '../cds-hooks/card-schema.js';
import { findingsExtension, fitSummary, orderLabel, overrideReasons } from '../render/card-kit.js';
import { isolate } from '../render/isolate.js';
import type { Finding } from '../engine/rule.js';
import { escapeMarkdown } from '../render/escape.js';
import { hasOrderMessage, orderMessage, type OrderLocale } from './messages.js';
import type { OrderRule } from './order-rule.js';

/**
 * The order-sign card of one draft order with problems (CDS Hooks 2.0 card,
 * https://cds-hooks.hl7.org/2.0/#card-attributes): indicator = the worst finding; summary < 140
 * characters; detail in markdown (record-derived text escaped) with plain-language explanation and
 * citations; extension `org.prenatal-cds.findings` (docs/design.md#findings-extension). Critical cards carry
 * `overrideReasons` and a suggestion to remove the draft (`delete` action, docs/rules.md#orders).
 */
export interface RuledFinding {
  readonly rule: OrderRule;
  readonly finding: Finding;
}

export interface OrderCardInput {
  readonly order: ServiceRequest;
  readonly orderRef: string;
  readonly findings: readonly RuledFinding[];
  readonly locale: OrderLocale;
  readonly newId: () => string;
}

export const OVERRIDE_REASON_CODES = [
  'emergency-clinical-need',
  'certificate-data-outdated',
  'registry-not-updated',
  'medical-necessity-documented',
] as const;
function techniqueText(p: Readonly<Record<string, unknown>>, locale: OrderLocale): string {
  const list = typeof p['technique'] === 'string' ? [p['technique']] : Array.isArray(p['techniques']) ? (p['techniques'] as string[]) : [];
  const names = list.map((t) => (hasOrderMessage(locale, `technique.${t}`) ? orderMessage(locale, `technique.${t}`) : t));
  return names.length > 0 ? names.join(orderMessage(locale, 'technique.or')) : '—';
}

function str(v: unknown): string {
  if (Array.isArray(v)) return v.map(String).join(', ');
  return v === undefined || v === null || v === '' ? '—' : String(v);
}

/** Placeholder values of a finding's sentences, escaped for markdown. */
function values(f: Finding, locale: OrderLocale, escape: (s: string) => string): Record<string, string> {
  const p = f.params;
  const raw: Record<string, string> = {
    technique: techniqueText(p, locale),
    number: str(p['certificateNumber'] ?? p['licenceNumber']),
    validFrom: str(p['validFrom']),
    validTo: str(p['validTo']),
    lastTraining: str(p['lastTraining']),
    dueBy: str(p['dueBy'] ?? p['verificationDueBy']),
    years: str(p['intervalYears'] ?? p['verificationYears']),
    reference: str(p['verifiedOn'] ?? p['lastVerified']),
    licences: str(p['licenceNumbers']),
    ga: str(p['ga']),
    gaOn: str(p['gaOn']),
    threshold: str(p['threshold']),
  };
  // Registry and record values (numbers, dates, technique names) are isolated (src/render/isolate.ts).
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, escape(isolate(v))]));
}

function problemKey(f: Finding): string {
  return `problem.${f.rule}.${String(f.params['reason'])}`;
}

function problem(f: Finding, locale: OrderLocale, escape: (s: string) => string): string {
  const key = hasOrderMessage(locale, problemKey(f)) ? problemKey(f) : `problem.${f.rule}`;
  return orderMessage(locale, key, values(f, locale, escape));
}

function summaryOf(label: string, problems: readonly string[], locale: OrderLocale): string {
  return fitSummary(
    (order) =>
      problems.length > 1
        ? orderMessage(locale, 'summary.more', { order, problem: problems[0]!, more: problems.length - 1 })
        : orderMessage(locale, 'summary.one', { order, problem: problems[0]! }),
    label,
  );
}

function overrideReasonsOf(findings: readonly RuledFinding[], locale: OrderLocale): Coding[] {
  const codes = new Set<string>();
  for (const { rule } of findings) {
    if (rule.indicator !== 'critical') continue;
    if (rule.id === 'sex-determination-prohibited') codes.add('medical-necessity-documented');
    else if (rule.id === 'termination-reason-missing')
      ['emergency-clinical-need', 'medical-necessity-documented'].forEach((c) => codes.add(c));
    else ['emergency-clinical-need', 'certificate-data-outdated', 'registry-not-updated'].forEach((c) => codes.add(c));
  }
  return overrideReasons(OVERRIDE_REASON_CODES, codes, (code) => orderMessage(locale, `override.${code}`));
}

/**
 * Builds the card of one draft order; `findings` must be non-empty. Returns the card and its
 * findings in the order the card lists them (worst first), for the audit.
 */
export function buildOrderSignCard(input: OrderCardInput): { card: Card; findings: readonly RuledFinding[] } {
  const { order, orderRef, locale, newId } = input;
  const sorted = [...input.findings].sort((a, b) => Number(b.rule.indicator === 'critical') - Number(a.rule.indicator === 'critical'));
  const critical = sorted.some((f) => f.rule.indicator === 'critical');
  const label = orderLabel(order, orderMessage(locale, 'order.unnamed'));
  const plain = (s: string) => s;
  const summary = summaryOf(
    label,
    sorted.map((f) => problem(f.finding, locale, plain)),
    locale,
  );

  const lines = [`**${escapeMarkdown(label)}** (${escapeMarkdown(orderRef)})`, ''];
  for (const { finding } of sorted) {
    const p = finding.params;
    const explain = orderMessage(locale, `explain.${finding.rule}.${String(p['reason'])}`, values(finding, locale, escapeMarkdown));
    const source =
      p['source'] === undefined
        ? ''
        : ` ${orderMessage(locale, 'detail.source', { source: orderMessage(locale, `source.${String(p['source'])}`) })}`;
    const basis = orderMessage(locale, 'detail.basis', { citation: escapeMarkdown(finding.citation) });
    lines.push(`- ${orderMessage(locale, 'detail.item', { problem: problem(finding, locale, escapeMarkdown), explain, basis, source })}`);
  }
  if (sorted.some((f) => f.finding.params['registryUnavailable'] === true))
    lines.push('', orderMessage(locale, 'detail.registryUnavailable'));
  lines.push('', orderMessage(locale, critical ? 'detail.action.critical' : 'detail.action.warning'));

  const card: Card = {
    uuid: newId(),
    summary,
    indicator: critical ? 'critical' : 'warning',
    detail: lines.join('\n'),
    source: { label: orderMessage(locale, 'source.label') },
    extension: findingsExtension(sorted.map(({ finding }) => finding)),
  };
  if (!critical) return { card, findings: sorted };
  card.overrideReasons = overrideReasonsOf(sorted, locale);
  if (order.id) {
    card.selectionBehavior = 'at-most-one';
    card.suggestions = [
      {
        label: orderMessage(locale, 'suggestion.remove'),
        uuid: newId(),
        isRecommended: true,
        actions: [
          {
            type: 'delete',
            description: orderMessage(locale, 'action.remove', { order: label }),
            resourceId: [`ServiceRequest/${order.id}`],
          },
        ],
      },
    ];
  }
  return { card, findings: sorted };
}
