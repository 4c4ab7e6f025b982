import type { ServiceId } from '../clinical/rule.js';
import type { ServiceHandler } from '../ports.js';
import { SERVICE_IDS } from '../cds-hooks/hooks.js';

/**
 * PLACEHOLDER handlers until the rule engine and card rendering land (issues [3/6], [4/6]): every
 * service answers `cards: []` — a valid CDS Hooks response meaning "nothing applies".
 */
export const placeholderHandler: ServiceHandler = () => ({ response: { cards: [] }, findings: [], ruleErrors: [] });

export function placeholderServices(): Readonly<Record<ServiceId, ServiceHandler>> {
  return Object.freeze(Object.fromEntries(SERVICE_IDS.map((id) => [id, placeholderHandler])) as Record<ServiceId, ServiceHandler>);
}
