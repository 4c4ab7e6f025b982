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
import { cardReasons, type CardReasons, type NiptAdvice } from './advice.js';
import type { NiptEvaluation } from './evaluate.js';
import { explainFinding, reasonLabel } from './finding-text.js';
import { hasNiptMessage, niptMessage } from './messages.js';
import { niptConsent } from './nipt-resources.js';
import { NIPT_RULES } from './rules/index.js';

/**
 * The NIPT card of one draft NIPT order (CDS Hooks 2.0, https://cds-hooks.hl7.org/2.0/#card-attributes;
 * docs/rules.md#nipt, docs/design.md#findings-extension): indicator from the evaluation (suitable info, caution / GA
 * unknown / consent missing warning, not applicable / institution not authorised critical);
 * summary < 140 characters; markdown detail (record-derived text escaped) saying NIPT is screening,
 * not diagnosis, naming the Art.24 indications when there are any; extension
 * `org.prenatal-cds.findings` (every finding of the evaluation). The advice and the suggestions of a
 * not-applicable card follow its reason (docs/rules.md#nipt-advice, advice.ts): prenatal diagnosis
 * (withdraw + referral), re-order from a date (withdraw), or no NIPT in this pregnancy (withdraw, +
 * referral only with a prenatal-diagnosis indication); reasons of a lower category are not listed.
 * A card critical only for the institution suggests a referral to the prenatal-diagnosis
 * institution; a missing consent, a suggestion to record counselling.
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

/** The advice of a not-applicable order, as evaluate.ts put it in the category finding's params. */
export function adviceOf(ev: NiptEvaluation): NiptAdvice | undefined {
  return ev.findings[0]!.params['advice'] as NiptAdvice | undefined;
}

function summaryOf(label: string, category: string, reasons: readonly string[], advice: NiptAdvice | undefined, l: Locale): string {
  return fitSummary((order) => {
    const s =
      reasons.length === 0
        ? niptMessage(l, 'summary.none', { order, category })
        : reasons.length === 1
          ? niptMessage(l, 'summary.one', { order, category, reason: reasons[0]! })
          : niptMessage(l, 'summary.more', { order, category, reason: reasons[0]!, count: reasons.length - 1 });
    return advice?.kind === 'reorder' && advice.from ? niptMessage(l, 'summary.from', { summary: s, from: advice.from }) : s;
  }, label);
}

/** The advice paragraph of a not-applicable card (docs/rules.md#nipt-advice). */
function adviceText(advice: NiptAdvice, window: { min: string; max: string }, l: Locale): string {
  const v = {
    min: window.min,
    max: window.max,
    from: advice.from ?? '—',
    fromGa: advice.fromGa ?? '—',
    windowEnds: advice.windowEnds ?? '—',
  };
  switch (advice.kind) {
    case 'prenatal-diagnosis':
      return niptMessage(l, 'advice.prenatal-diagnosis');
    case 'reorder': {
      const key = `advice.reorder.${advice.basis[0]!}`;
      return niptMessage(l, !advice.fromGa && hasNiptMessage(l, `${key}.ga-unknown`) ? `${key}.ga-unknown` : key, v);
    }
    default:
      return `${niptMessage(l, `advice.${advice.kind}`, v)}\n\n${niptMessage(l, advice.referral ? 'advice.referral' : 'advice.no-referral')}`;
  }
}

function itemLine(f: Finding, orderRef: string, l: Locale): string {
  const item = niptMessage(l, 'detail.item', {
    label: reasonLabel(f.rule, l),
    explain: escapeMarkdown(explainFinding(f, l)),
    citation: escapeMarkdown(f.citation),
  });
  const refs = f.evidence.filter((r) => r !== orderRef);
  return `- ${item}${refs.length ? ` ${niptMessage(l, 'detail.evidence', { refs: escapeMarkdown(refs.join(', ')) })}` : ''}`;
}

function detailOf(i: NiptCardInput, label: string, orderRef: string, shown: CardReasons, critical: boolean): string {
  const { locale: l, evaluation: ev } = i;
  const cat = ev.findings[0]!.params;
  const window = cat['window'] as { min: string; max: string };
  const advice = adviceOf(ev);
  const lines = [`**${escapeMarkdown(label)}** (${escapeMarkdown(orderRef)}) — **${niptMessage(l, `category.${ev.category}`)}**`, ''];
  lines.push(
    typeof cat['ga'] === 'string'
      ? niptMessage(l, 'detail.ga', { ga: cat['ga'], edd: escapeMarkdown(String(cat['edd'])), min: window.min, max: window.max })
      : niptMessage(l, 'detail.ga.unknown', { min: window.min, max: window.max }),
    '',
    advice ? adviceText(advice, window, l) : niptMessage(l, `detail.category.${ev.category}`),
  );
  if (shown.listed.length > 0) {
    lines.push('', niptMessage(l, 'detail.reasons'));
    for (const f of shown.listed) lines.push(itemLine(f, orderRef, l));
  }
  if (shown.forReorder.length > 0) {
    lines.push('', niptMessage(l, 'detail.reorder.cautions'));
    for (const f of shown.forReorder) lines.push(itemLine(f, orderRef, l));
  }
  if (i.referralFindings.length > 0) {
    const indications = [...new Set(i.referralFindings.map((f) => ruleLabel(f.rule, l)))].join(niptMessage(l, 'list.separator'));
    lines.push('', niptMessage(l, 'detail.art24', { indications: escapeMarkdown(indications) }));
  }
  if (shown.invasiveContraindication) {
    const kinds = escapeMarkdown(explainFinding(shown.invasiveContraindication, l));
    lines.push('', niptMessage(l, 'detail.invasiveContraindication', { explain: kinds }));
  }
  const inst = cat['institution'] as Record<string, unknown>;
  // Undecided for want of the cooperation partner: say so, never "authorised" (docs/rules.md#nipt-institution-not-authorized).
  if (inst['reason'] === 'partner-unverified') {
    const partners = (inst['partners'] as readonly { partnerOrganizationId: string }[]).map(
      (p) => `Organization/${p.partnerOrganizationId}`,
    );
    lines.push('', niptMessage(l, 'detail.partnerUnverified', { partner: escapeMarkdown(partners.join(', ')) }));
  }
  if (shown.listed.some((f) => f.params['registryUnavailable'] === true)) lines.push('', niptMessage(l, 'detail.registryUnavailable'));
  lines.push('', `**${niptMessage(l, 'detail.screening')}**`);
  if (critical) lines.push('', niptMessage(l, 'detail.action.critical'));
  return lines.join('\n');
}

function overrideReasonsOf(reasons: readonly Finding[], category: string, advice: NiptAdvice | undefined, l: Locale): Coding[] {
  const codes = new Set<string>();
  if (category === 'nipt-not-applicable') codes.add('data-incorrect');
  // "Declined prenatal diagnosis after counselling, informed choice of NIPT" only where prenatal diagnosis is the advice.
  if (advice?.kind === 'prenatal-diagnosis') codes.add('declined-after-counselling');
  if (reasons.some((f) => f.rule === 'nipt-institution-not-authorized'))
    ['data-incorrect', 'certificate-data-outdated', 'registry-not-updated'].forEach((c) => codes.add(c));
  return overrideReasons(NIPT_OVERRIDE_REASON_CODES, codes, (code) => niptMessage(l, `override.${code}`));
}

const ORDER_CONTEXT = /^(Organization|PractitionerRole|Encounter)\//;

/** The draft referral for prenatal diagnosis (docs/design.md#written-notice), with the evidence behind it. */
function referralAction(i: NiptCardInput, evidence: readonly string[], reasonText: string) {
  const orderRef = i.order.id ? `ServiceRequest/${i.order.id}` : 'ServiceRequest';
  const referral = referralServiceRequest({
    identifier: i.newId(),
    patientRef: i.patientRef,
    evidence: [...new Set(evidence)].filter((r) => r !== orderRef && !ORDER_CONTEXT.test(r)),
    reasonText,
    text: niptMessage(i.locale, 'referral.text'),
    policy: i.policy,
    now: i.now,
    ...(i.practitionerRef ? { practitionerRef: i.practitionerRef } : {}),
    ...(i.encounterRef ? { encounterRef: i.encounterRef } : {}),
  });
  return {
    type: 'create' as const,
    description: niptMessage(i.locale, 'action.referral', { institution: i.policy.referralInstitution.name }),
    resource: { ...referral },
  };
}

/** The withdraw (and refer) suggestion of a critical card: what follows the advice (docs/rules.md#nipt-advice). */
function withdrawSuggestion(i: NiptCardInput, label: string, listed: readonly Finding[], advice: NiptAdvice | undefined): Suggestion {
  const { locale: l, order } = i;
  const orderRef = `ServiceRequest/${order.id!}`;
  const withdraw = { type: 'delete' as const, description: niptMessage(l, 'action.delete', { order: label }), resourceId: [orderRef] };
  const labels = (fs: readonly Finding[], labelOf: (rule: string, locale: Locale) => string) =>
    [...new Set(fs.map((f) => labelOf(f.rule, l)))].join(niptMessage(l, 'list.separator'));
  const suggestion = (key: string, values: Record<string, string>, actions: Suggestion['actions']): Suggestion => ({
    label: niptMessage(l, key, values),
    uuid: i.newId(),
    isRecommended: true,
    actions,
  });
  if (!advice) {
    // Critical for the institution only: NIPT at (or through) the prenatal-diagnosis institution.
    const reasonText = niptMessage(l, 'referral.reason', { reasons: labels(listed, reasonLabel) });
    const evidence = listed.flatMap((f) => f.evidence);
    return suggestion('suggestion.replace', {}, [withdraw, referralAction(i, evidence, reasonText)]);
  }
  const basis = listed.filter((f) => (advice.basis as readonly string[]).includes(f.rule));
  if (advice.kind === 'prenatal-diagnosis') {
    const reasonText = niptMessage(l, 'referral.reason.prenatal-diagnosis', { reasons: labels(basis, reasonLabel) });
    const evidence = [...basis, ...i.referralFindings].flatMap((f) => f.evidence);
    return suggestion('suggestion.replace', {}, [withdraw, referralAction(i, evidence, reasonText)]);
  }
  if (advice.kind === 'reorder') return suggestion('suggestion.reorder', { from: advice.from ?? '—' }, [withdraw]);
  if (!advice.referral) return suggestion('suggestion.withdraw', {}, [withdraw]);
  const reasonText = niptMessage(l, 'referral.reason.indicated', {
    indications: labels(i.referralFindings, ruleLabel),
    reasons: labels(basis, reasonLabel),
  });
  const evidence = i.referralFindings.flatMap((f) => f.evidence);
  return suggestion('suggestion.counselling', {}, [withdraw, referralAction(i, evidence, reasonText)]);
}

function suggestionsOf(i: NiptCardInput, label: string, listed: readonly Finding[], critical: boolean): Suggestion[] {
  const { order, locale: l, newId } = i;
  const out: Suggestion[] = [];
  if (critical && order.id) out.push(withdrawSuggestion(i, label, listed, adviceOf(i.evaluation)));
  if (!critical && listed.some((f) => f.rule === 'nipt-consent-missing')) {
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
  const advice = adviceOf(ev);
  const shown = cardReasons(ev.category, advice, reasons, i.referralFindings.length > 0);
  const critical = ev.indicator === 'critical';
  const label = niptOrderLabel(i.order, l);
  const cardId = i.newId();
  const suggestions = suggestionsOf(i, label, shown.listed, critical);
  const card: Card = {
    uuid: cardId,
    summary: summaryOf(
      label,
      niptMessage(l, `category.${ev.category}`),
      shown.listed.map((f) => reasonLabel(f.rule, l)),
      advice,
      l,
    ),
    indicator: ev.indicator,
    detail: detailOf(i, label, orderRef, shown, critical),
    source: { label: niptMessage(l, 'source.label') },
    extension: findingsExtension(ev.findings),
  };
  if (critical) card.overrideReasons = overrideReasonsOf(reasons, ev.category, advice, l);
  if (suggestions.length > 0) {
    card.suggestions = suggestions;
    card.selectionBehavior = 'at-most-one';
  }
  return card;
}
