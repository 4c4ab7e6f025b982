import type { Locale } from './render/messages.js';
import type { Policy } from './clinical/policy.js';
import type { ServiceId } from './engine/rule.js';
import { createNiptService } from './nipt/service.js';
import type { RegistryStore } from './orders/credential-records.js';
import { createOrderSignService } from './orders/service.js';
import type { ServiceHandler, ServiceResult } from './ports.js';
import { createReferralService } from './referral/service.js';

export interface ServicesDeps {
  readonly policy: Policy;
  readonly locale: Locale;
  readonly newId: () => string;
  readonly publicBaseUrl: string;
  readonly registry: RegistryStore;
}

/**
 * One service answering with the cards of several handlers, in order (e.g. order-sign: the
 * certificate/licence checks of RULES §3, then the NIPT re-check of RULES §2).
 */
export function combineHandlers(...handlers: readonly ServiceHandler[]): ServiceHandler {
  return async (input) => {
    const results: ServiceResult[] = [];
    for (const h of handlers) results.push(await h(input));
    return {
      response: { cards: results.flatMap((r) => r.response.cards) },
      findings: results.flatMap((r) => r.findings),
      ruleErrors: results.flatMap((r) => r.ruleErrors),
      ...(results.find((r) => r.audit) ? { audit: results.find((r) => r.audit)!.audit } : {}),
    };
  };
}

/** The handler of every service id (DESIGN §4), built from explicit dependencies. */
export function createServices(deps: ServicesDeps): Readonly<Record<ServiceId, ServiceHandler>> {
  const referral = createReferralService(deps);
  return Object.freeze({
    'prenatal-diagnosis-referral': referral,
    'prenatal-diagnosis-referral-encounter': referral,
    'nipt-order-check': createNiptService({ ...deps, hook: 'order-select' }),
    'special-technique-order-sign': combineHandlers(createOrderSignService(deps), createNiptService({ ...deps, hook: 'order-sign' })),
  });
}
