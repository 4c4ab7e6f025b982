import type { ServiceId } from '../engine/rule.js';

/**
 * The CDS Hooks 2.0 hooks this service answers (https://cds-hooks.hl7.org/2.0/#hooks) and the hook
 * of each service — fixed (docs/design.md#services). `Record<ServiceId, …>` makes the compiler check
 * that every ServiceId has exactly one entry; a test ties the definition files to this table.
 */
export const SUPPORTED_HOOKS = ['patient-view', 'encounter-start', 'order-select', 'order-sign'] as const;

export type HookName = (typeof SUPPORTED_HOOKS)[number];

export const SERVICE_HOOKS: Readonly<Record<ServiceId, HookName>> = Object.freeze({
  'prenatal-diagnosis-referral': 'patient-view',
  'prenatal-diagnosis-referral-encounter': 'encounter-start',
  'nipt-order-check': 'order-select',
  'special-technique-order-sign': 'order-sign',
});

/** Every service id, in the order of docs/design.md#services. */
export const SERVICE_IDS: readonly ServiceId[] = Object.freeze(Object.keys(SERVICE_HOOKS) as ServiceId[]);

export function isServiceId(id: string): id is ServiceId {
  return Object.prototype.hasOwnProperty.call(SERVICE_HOOKS, id);
}

export function isSupportedHook(hook: string): hook is HookName {
  return (SUPPORTED_HOOKS as readonly string[]).includes(hook);
}
