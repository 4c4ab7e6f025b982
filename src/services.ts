import type { Policy } from './clinical/policy.js';
import type { ServiceId } from './engine/rule.js';
import { combineResults, type ServiceHandler } from './engine/service.js';
import { createNiptService } from './nipt/service.js';
import type { RegistryStore } from './orders/credential-records.js';
import { createOrderSignService } from './orders/service.js';
import { createReferralService } from './referral/service.js';
import type { Locale } from './render/messages.js';

export interface ServicesDeps {
  readonly policy: Policy;
  readonly locale: Locale;
  readonly newId: () => string;
  readonly publicBaseUrl: string;
  readonly registry: RegistryStore;
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

/** The handler of every service id (docs/design.md#services), built from explicit dependencies. */
export function createServices(deps: ServicesDeps): Readonly<Record<ServiceId, ServiceHandler>> {
  const referral = createReferralService(deps);
  return Object.freeze({
    'prenatal-diagnosis-referral': referral,
    'prenatal-diagnosis-referral-encounter': referral,
    'nipt-order-check': createNiptService({ ...deps, hook: 'order-select' }),
    'special-technique-order-sign': combineHandlers(createOrderSignService(deps), createNiptService({ ...deps, hook: 'order-sign' })),
  });
}
