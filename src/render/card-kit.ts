import type { ServiceRequest } from '@medplum/fhirtypes';
import type { Coding } from '../cds-hooks/card-schema.js';
import { FINDINGS_EXTENSION } from '../cds-hooks/extensions.js';
import { SYSTEMS } from '../clinical/codes.js';
import type { Finding } from '../engine/rule.js';
import { balanceIsolates, isolate } from './isolate.js';

/**
 * What the cards of every service share (CDS Hooks 2.0 card attributes,
 * https://cds-hooks.hl7.org/2.0/#card-attributes): the findings extension, the order label, the
 * summary fitted under 140 characters, override reasons. Wording comes from each slice's catalogue.
 */

/** A summary is at most 139 characters (the spec: "<140"). */
export const SUMMARY_MAX = 139;

export type Indicator = 'info' | 'warning' | 'critical';
export const INDICATOR_RANK: Readonly<Record<Indicator, number>> = Object.freeze({ info: 0, warning: 1, critical: 2 });

/** `extension` of a card: `org.prenatal-cds.findings` with each finding as it goes on the wire. */
export function findingsExtension(findings: readonly Finding[]): Record<string, unknown> {
  return {
    [FINDINGS_EXTENSION]: findings.map((f) => ({ rule: f.rule, citation: f.citation, evidence: [...f.evidence], params: f.params })),
  };
}

/** Record text on one line: whitespace runs and control characters become one space. */
export function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** The order's name as the EHR wrote it, isolated (`isolate`), else `unnamed` (record-derived: escape before markdown). */
export function orderLabel(order: ServiceRequest, unnamed: string): string {
  const t = order.code?.text ?? order.code?.coding?.find((c) => c.display)?.display;
  return t && oneLine(t) ? isolate(oneLine(t)) : unnamed;
}

/**
 * A summary built around a label, fitted under SUMMARY_MAX: the label is shortened first (kept at 4
 * characters at least, with "…"), then the sentence itself. A record-derived label (the default) is
 * isolated (`isolate`, src/render/isolate.ts) after shortening; a cut sentence keeps its isolates
 * balanced, within the limit.
 */
export function fitSummary(build: (label: string) => string, labelText: string, recordDerived = true): string {
  const wrap = recordDerived ? isolate : (s: string) => s;
  // An already isolated label (orderLabel) is shortened without its isolates, then isolated again.
  const label = recordDerived ? labelText.replace(/[\u2066-\u2069]/g, '') : labelText;
  let s = build(wrap(label));
  if (s.length > SUMMARY_MAX) s = build(wrap(`${label.slice(0, Math.max(4, label.length - (s.length - SUMMARY_MAX) - 1))}…`));
  if (s.length <= SUMMARY_MAX) return s;
  for (let cut = SUMMARY_MAX - 1; cut > 0; cut--) {
    const fitted = balanceIsolates(`${s.slice(0, cut)}…`);
    if (fitted.length <= SUMMARY_MAX) return fitted;
  }
  return '…';
}

/** `overrideReasons` of a card: the codes of our override-reason CodeSystem, in `order`, with their display. */
export function overrideReasons(order: readonly string[], wanted: ReadonlySet<string>, display: (code: string) => string): Coding[] {
  return order.filter((c) => wanted.has(c)).map((code) => ({ system: SYSTEMS.overrideReason, code, display: display(code) }));
}
