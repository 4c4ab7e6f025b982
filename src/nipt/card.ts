import type { ServiceRequest } from '@medplum/fhirtypes';
import type { Card, Coding, Suggestion } from '../cds-hooks/card-schema.js';
import { escapeMarkdown } from '../render/escape.js';
import { ruleLabel } from '../referral/finding-text.js';
import type { Locale } from '../render/messages.js';
import { referralServiceRequest } from '../referral/card-resources.js';
import type { ClinicalNow } from '../clock.js';
import { findingsExtension, fitSummary, INDICATOR_RANK, orderLabel, overrideReasons } from '../render/card-kit.js';
import type { Policy } from '../clinical/policy.js';
import type { Finding } from '../engine/rule.js';
import type { NiptEvaluation } from './evaluate.js';
import { explainFinding, reasonLabel } from './finding-text.js';
import { niptMessage } from './messages.js';
import { niptConsent } from './nipt-resources.js';
import { NIPT_RULES } from './rules/index.js';

/**
 * The NIPT card of one draft NIPT order (CDS Hooks 2.0, https://cds-hooks.hl7.org/2.0/#card-attributes;
 * docs/rules.md#nipt, docs/design.md#findings-extension): indicator from the evaluation (suitable info, caution / GA
 * unknown / consent missing warning, not applicable / institution not authorised critical);
 * summary < 140 characters; markdown detail (record-derived text escaped) saying NIPT is screening,
 * not diagnosis, naming the Art.24 indications when there are any; extension
 * `org.prenatal-cds.findings`; critical cards carry overrideReasons and a suggestion to replace the
 * order by a prenatal-diagnosis referral; a missing consent, a suggestion to record counselling.
 */
export const NIPT_OVERRIDE_REASON_CODES = [
  'declined-after-counselling',
  'data-incorrect',
  'certificate-data-outdated',
  'registry-not-updated',
] as const;

export interface NiptCardInput {
  readonly order: ServiceRequest;
  readonly evaluation: NiptEvaluation;
  /** evaluateReferral() findings: the Art.24 (and screening) indications for prenatal diagnosis. */
  readonly referralFindings: readonly Finding[];
  readonly patientRef: string;
  readonly policy: Policy;
  readonly now: ClinicalNow;
  readonly locale: Locale;
  readonly newId: () => string;
  readonly practitionerRef?: string;
  readonly encounterRef?: string;
  readonly organizationRef?: string;
}

/** The order's name as the EHR wrote it (record-derived: escape before markdown). */
export function niptOrderLabel(order: ServiceRequest, locale: Locale): string {
  return orderLabel(order, niptMessage(locale, 'order.unnamed'));
}

const indicatorOf = (rule: string) => NIPT_RULES.find((r) => r.id === rule)?.indicator ?? 'info';

function summaryOf(label: string, category: string, reasons: readonly string[], l: Locale): string {
  return fitSummary(
    (order) =>
      reasons.length === 0
        ? niptMessage(l, 'summary.none', { order, category })
        : reasons.length === 1
          ? niptMessage(l, 'summary.one', { order, category, reason: reasons[0]! })
          : niptMessage(l, 'summary.more', { order, category, reason: reasons[0]!, count: reasons.length - 1 }),
    label,
  );
}

function detailOf(i: NiptCardInput, label: string, orderRef: string, reasons: readonly Finding[], critical: boolean): string {
  const { locale: l, evaluation: ev } = i;
  const cat = ev.findings[0]!.params;
  const window = cat['window'] as { min: string; max: string };
  const lines = [`**${escapeMarkdown(label)}** (${escapeMarkdown(orderRef)}) — **${niptMessage(l, `category.${ev.category}`)}**`, ''];
  lines.push(
    typeof cat['ga'] === 'string'
      ? niptMessage(l, 'detail.ga', { ga: cat['ga'], edd: escapeMarkdown(String(cat['edd'])), min: window.min, max: window.max })
      : niptMessage(l, 'detail.ga.unknown', { min: window.min, max: window.max }),
    '',
    niptMessage(l, `detail.category.${ev.category}`),
  );
  if (reasons.length > 0) {
    lines.push('', niptMessage(l, 'detail.reasons'));
    for (const f of reasons) {
      const item = niptMessage(l, 'detail.item', {
        label: reasonLabel(f.rule, l),
        explain: escapeMarkdown(explainFinding(f, l)),
        citation: escapeMarkdown(f.citation),
      });
      const refs = f.evidence.filter((r) => r !== orderRef);
      lines.push(`- ${item}${refs.length ? ` ${niptMessage(l, 'detail.evidence', { refs: escapeMarkdown(refs.join(', ')) })}` : ''}`);
    }
  }
  if (i.referralFindings.length > 0) {
    const indications = [...new Set(i.referralFindings.map((f) => ruleLabel(f.rule, l)))].join(niptMessage(l, 'list.separator'));
    lines.push('', niptMessage(l, 'detail.art24', { indications: escapeMarkdown(indications) }));
  }
  const inst = cat['institution'] as Record<string, unknown>;
  if (inst['via'] === 'cooperation' && inst['partnerVerified'] === false) {
    lines.push(
      '',
      niptMessage(l, 'detail.partnerUnverified', { partner: escapeMarkdown(`Organization/${String(inst['partnerOrganizationId'])}`) }),
    );
  }
  if (reasons.some((f) => f.params['registryUnavailable'] === true)) lines.push('', niptMessage(l, 'detail.registryUnavailable'));
  lines.push('', `**${niptMessage(l, 'detail.screening')}**`);
  if (critical) lines.push('', niptMessage(l, 'detail.action.critical'));
  return lines.join('\n');
}

function overrideReasonsOf(reasons: readonly Finding[], category: string, l: Locale): Coding[] {
  const codes = new Set<string>();
  if (category === 'nipt-not-applicable') ['declined-after-counselling', 'data-incorrect'].forEach((c) => codes.add(c));
  if (reasons.some((f) => f.rule === 'nipt-institution-not-authorized'))
    ['data-incorrect', 'certificate-data-outdated', 'registry-not-updated'].forEach((c) => codes.add(c));
  return overrideReasons(NIPT_OVERRIDE_REASON_CODES, codes, (code) => niptMessage(l, `override.${code}`));
}

function suggestionsOf(i: NiptCardInput, label: string, reasons: readonly Finding[], critical: boolean): Suggestion[] {
  const { order, locale: l, newId } = i;
  const out: Suggestion[] = [];
  if (critical && order.id) {
    const orderRef = `ServiceRequest/${order.id}`;
    const evidence = [...new Set(reasons.flatMap((f) => f.evidence))].filter(
      (r) => r !== orderRef && !/^(Organization|PractitionerRole|Encounter)\//.test(r),
    );
    const referral = referralServiceRequest({
      identifier: newId(),
      patientRef: i.patientRef,
      evidence,
      reasonText: niptMessage(l, 'referral.reason', {
        reasons: reasons.map((f) => reasonLabel(f.rule, l)).join(niptMessage(l, 'list.separator')),
      }),
      text: niptMessage(l, 'referral.text'),
      policy: i.policy,
      now: i.now,
      ...(i.practitionerRef ? { practitionerRef: i.practitionerRef } : {}),
      ...(i.encounterRef ? { encounterRef: i.encounterRef } : {}),
    });
    out.push({
      label: niptMessage(l, 'suggestion.replace'),
      uuid: newId(),
      isRecommended: true,
      actions: [
        { type: 'delete', description: niptMessage(l, 'action.delete', { order: label }), resourceId: [orderRef] },
        {
          type: 'create',
          description: niptMessage(l, 'action.referral', { institution: i.policy.referralInstitution.name }),
          resource: { ...referral },
        },
      ],
    });
  }
  if (!critical && reasons.some((f) => f.rule === 'nipt-consent-missing')) {
    const consent = niptConsent({
      identifier: newId(),
      patientRef: i.patientRef,
      order,
      text: niptMessage(l, 'consent.text'),
      policyText: niptMessage(l, 'consent.policy'),
      now: i.now,
      ...(i.organizationRef ? { organizationRef: i.organizationRef } : {}),
    });
    out.push({
      label: niptMessage(l, 'suggestion.consent'),
      uuid: newId(),
      actions: [{ type: 'create', description: niptMessage(l, 'action.consent'), resource: { ...consent } }],
    });
  }
  return out;
}

/** Builds the card of one draft NIPT order (always one card per NIPT order). */
export function buildNiptCard(i: NiptCardInput): Card {
  const { evaluation: ev, locale: l } = i;
  const orderRef = String(ev.findings[0]!.params['order']);
  const reasons = ev.findings.slice(1).sort((a, b) => INDICATOR_RANK[indicatorOf(b.rule)] - INDICATOR_RANK[indicatorOf(a.rule)]);
  const critical = ev.indicator === 'critical';
  const label = niptOrderLabel(i.order, l);
  const cardId = i.newId();
  const suggestions = suggestionsOf(i, label, reasons, critical);
  const card: Card = {
    uuid: cardId,
    summary: summaryOf(
      label,
      niptMessage(l, `category.${ev.category}`),
      reasons.map((f) => reasonLabel(f.rule, l)),
      l,
    ),
    indicator: ev.indicator,
    detail: detailOf(i, label, orderRef, reasons, critical),
    source: { label: niptMessage(l, 'source.label') },
    extension: findingsExtension(ev.findings),
  };
  if (critical) card.overrideReasons = overrideReasonsOf(reasons, ev.category, l);
  if (suggestions.length > 0) {
    card.suggestions = suggestions;
    card.selectionBehavior = 'at-most-one';
  }
  return card;
}
