import type { ServiceDefinition } from './wire.js';

/** One entry of the discovery response (https://cds-hooks.hl7.org/2.0/#response). */
export interface DiscoveryService {
  readonly hook: string;
  readonly title: string;
  readonly description: string;
  readonly id: string;
  readonly prefetch: Readonly<Record<string, string>>;
  readonly extension?: Readonly<Record<string, unknown>>;
}

/** The discovery document `GET /cds-services` (https://cds-hooks.hl7.org/2.0/#discovery). */
export interface DiscoveryDocument {
  readonly services: readonly DiscoveryService[];
}

/** Builds the discovery document from the loaded definitions (the one source of truth). */
export function buildDiscovery(defs: readonly ServiceDefinition[]): DiscoveryDocument {
  return {
    services: defs.map((d) => ({
      hook: d.hook,
      title: d.title,
      description: d.description,
      id: d.id,
      prefetch: { ...d.prefetch },
      ...(d.extension ? { extension: { ...d.extension } } : {}),
    })),
  };
}
