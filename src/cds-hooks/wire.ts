import type { ServiceId } from '../engine/rule.js';

/** Wire types of CDS Hooks 2.0 as this service uses them (https://cds-hooks.hl7.org/2.0/). */

/** A service definition as loaded from `cds-hooks/services/*.json` (drives discovery and prefetch). */
export interface ServiceDefinition {
  readonly id: ServiceId;
  readonly hook: string;
  readonly title: string;
  readonly description: string;
  readonly prefetch: Readonly<Record<string, string>>;
  /** Prefetch keys without which the service cannot decide (→ 412 when they cannot be had). */
  readonly requiredPrefetch: readonly string[];
  /** Extra discovery members passed through (e.g. `usageRequirements`, `extension`). */
  readonly extension?: Readonly<Record<string, unknown>>;
}

/**
 * A parsed CDS Hooks 2.0 request (https://cds-hooks.hl7.org/2.0/#http-request-1): the fields we
 * use, typed; unknown fields are kept by the zod schema that produced it.
 */
export interface HookRequest {
  readonly hook: string;
  readonly hookInstance: string;
  readonly fhirServer?: string;
  readonly fhirAuthorization?: {
    readonly access_token: string;
    readonly token_type: string;
    readonly expires_in: number;
    readonly scope: string;
    readonly subject: string;
    readonly patient?: string;
  };
  readonly context: Readonly<Record<string, unknown>>;
  /** `undefined` when the EHR sent no prefetch: normal, not an error. */
  readonly prefetch?: Readonly<Record<string, unknown>>;
}
