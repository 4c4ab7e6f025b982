import type { Policy } from './clinical/policy.js';
import type { ServiceId, Undecided } from './engine/rule.js';
import { combineResults, type ServiceHandler } from './engine/service.js';
import { NIPT_RULES } from './nipt/rules/index.js';
import { createNiptService, type NiptDeps } from './nipt/service.js';
import type { RegistryStore } from './orders/credential-records.js';
import { ORDER_RULES } from './orders/rules/index.js';
import { createOrderSignService } from './orders/service.js';
import { REFERRAL_RULES } from './referral/rules/index.js';
import { createReferralService, type ReferralServiceDeps } from './referral/service.js';
import type { Locale } from './render/messages.js';
import { buildUndecidedCard } from './render/undecided-card.js';

export interface ServicesDeps {
  readonly policy: Policy;
  readonly locale: Locale;
  readonly newId: () => string;
  readonly publicBaseUrl: string;
  /** NOTICE_LINK_DAYS (30 when absent) and the link-token source (random when absent). */
  readonly noticeLinkDays?: number;
  readonly newToken?: () => string;
  readonly registry: RegistryStore;
  /** MRN_SYSTEM and whether PUBLIC_BASE_URL is set (the referral service's notice: docs/design.md#written-notice). */
  readonly mrnSystem?: string;
  readonly production?: boolean;
  /** Reads a stored notice: one stored in an earlier content format is not re-linked (src/referral/service.ts). */
  readonly storedNotice?: ReferralServiceDeps['storedNotice'];
  /** The key of derived notice ids (docs/design.md#notice-reuse); random ids without it. */
  readonly noticeIdKey?: Uint8Array;
  /** The referral rules (the catalogue by default; tests inject failing ones). */
  readonly referralRules?: ReferralServiceDeps['rules'];
  /** The NIPT rules (the catalogue by default; tests inject failing ones). */
  readonly niptRules?: NiptDeps['rules'];
}

/**
 * One service answering with the cards of several handlers, in order (e.g. order-sign: the
 * certificate and licence checks, then the NIPT re-check), all given the same `now`.
 */
export function combineHandlers(...handlers: readonly ServiceHandler[]): ServiceHandler {
  return async (input) => {
    const results = [];
    for (const h of handlers) results.push(await h(input));
    return combineResults(input.now, results);
  };
}

/** Every rule's title, for the undecided card's "could not evaluate" lines. */
const TITLES: ReadonlyMap<string, Undecided['title']> = new Map(
  [...REFERRAL_RULES, ...NIPT_RULES, ...ORDER_RULES].map((r) => [r.id, r.title] as const),
);

const undecidedKey = (u: Undecided) => JSON.stringify([u.rule, u.reason, u.evidence]);

/**
 * An answer with its one "could not decide" card (docs/design.md#undecided): the undecided outcomes
 * of the call (once each: a rule run per order or technique may report the same thing twice) and
 * its rule errors, after every other card. The outcomes move onto that card's result.
 */
export function withUndecidedCard(handler: ServiceHandler, deps: Pick<ServicesDeps, 'locale' | 'newId'>): ServiceHandler {
  return async (input) => {
    const result = await handler(input);
    const undecided = [...new Map(result.undecided.map((u) => [undecidedKey(u), u])).values()];
    const failed = result.ruleErrors.map((error) => ({ error, title: TITLES.get(error.rule) ?? { 'zh-CN': error.rule, en: error.rule } }));
    const card = buildUndecidedCard({ undecided, failed, locale: deps.locale, newId: deps.newId });
    if (!card) return result;
    return { ...result, undecided: [], cards: [...result.cards, { card, findings: [], undecided }] };
  };
}

/** The handler of every service id (docs/design.md#services), built from explicit dependencies. */
export function createServices(deps: ServicesDeps): Readonly<Record<ServiceId, ServiceHandler>> {
  const referral = withUndecidedCard(createReferralService({ ...deps, rules: deps.referralRules }), deps);
  return Object.freeze({
    'prenatal-diagnosis-referral': referral,
    'prenatal-diagnosis-referral-encounter': referral,
    'nipt-order-check': withUndecidedCard(
      createNiptService({ ...deps, hook: 'order-select', rules: deps.niptRules, referralRules: deps.referralRules }),
      deps,
    ),
    'special-technique-order-sign': withUndecidedCard(
      combineHandlers(
        createOrderSignService(deps),
        createNiptService({ ...deps, hook: 'order-sign', rules: deps.niptRules, referralRules: deps.referralRules }),
      ),
      deps,
    ),
  });
}
