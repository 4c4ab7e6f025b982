import type { HookRequest } from '../../../src/cds-hooks/wire.js';
import type { ServiceResult } from '../../../src/engine/service.js';
import { cardSchema, type Card } from '../../../src/cds-hooks/card-schema.js';
import { DEFAULT_POLICY, parsePolicy, type PolicyOverrides } from '../../../src/clinical/policy.js';
import type { Finding } from '../../../src/engine/rule.js';
import type { RegistryStore } from '../../../src/orders/credential-records.js';
import type { OrderLocale } from '../../../src/orders/messages.js';
import { createOrderSignService } from '../../../src/orders/service.js';
import { MemoryRegistryStore } from '../../../src/registry/memory-registry-store.js';
import { NOW, snapshotOf, type SnapshotParts } from './fixtures.js';

export const request: HookRequest = { hook: 'order-sign', hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea', context: {} };

export interface RunResult {
  readonly result: ServiceResult;
  readonly cards: readonly Card[];
  /** Findings read back from the cards' extension, as an EHR would. */
  readonly findings: readonly Finding[];
}

/** Runs the order-sign service; asserts that every card parses with the shared card schema. */
export async function runOrderSign(
  parts: SnapshotParts,
  opts: { registry?: RegistryStore; policy?: PolicyOverrides; locale?: OrderLocale; now?: typeof NOW } = {},
): Promise<RunResult> {
  let n = 0;
  const service = createOrderSignService({
    registry: opts.registry ?? new MemoryRegistryStore(),
    policy: opts.policy ? parsePolicy(opts.policy) : DEFAULT_POLICY,
    locale: opts.locale ?? 'en',
    newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  });
  const result = await service({ snapshot: snapshotOf(parts), request, now: opts.now ?? NOW });
  const cards = result.cards.map((c) => c.card);
  for (const c of cards) cardSchema.parse(c);
  const findings = cards.flatMap((c) => (c.extension?.['org.prenatal-cds.findings'] as Finding[] | undefined) ?? []);
  return { result, cards, findings };
}

/** `rule:reason` of each finding, for compact table assertions. */
export function ruleReasons(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.rule}:${String(f.params['reason'])}`).sort();
}
