import type { Locale } from '../cards/messages.js';
import type { Policy } from '../clinical/policy.js';
import type { ServiceId } from '../clinical/rule.js';
import type { RegistryStore } from '../orders/credential-records.js';
import { createOrderSignService } from '../orders/service.js';
import type { ServiceHandler } from '../ports.js';
import { placeholderHandler } from './placeholder.js';
import { createReferralService } from './referral.js';

export interface ServicesDeps {
  readonly policy: Policy;
  readonly locale: Locale;
  readonly newId: () => string;
  readonly publicBaseUrl: string;
  readonly registry: RegistryStore;
}

/** The handler of every service id (DESIGN §4), built from explicit dependencies. */
export function createServices(deps: ServicesDeps): Readonly<Record<ServiceId, ServiceHandler>> {
  const referral = createReferralService(deps);
  return Object.freeze({
    'prenatal-diagnosis-referral': referral,
    'prenatal-diagnosis-referral-encounter': referral,
    'nipt-order-check': placeholderHandler,
    'special-technique-order-sign': createOrderSignService(deps),
  });
}
