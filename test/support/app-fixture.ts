import { Writable } from 'node:stream';
import type { Resource } from '@medplum/fhirtypes';
import { createApp } from '../../src/app.js';
import { loadServiceDefinitions } from '../../src/cds-hooks/service-definitions.js';
import { SERVICE_IDS } from '../../src/cds-hooks/hooks.js';
import type { ServiceId } from '../../src/engine/rule.js';
import { fixedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/load.js';
import { createSnapshot } from '../../src/fhir/snapshot.js';
import { createLogger } from '../../src/log.js';
import type { AppDeps, AuthRequest, LoadSnapshot } from '../../src/ports.js';
import type { HookRequest } from '../../src/cds-hooks/wire.js';
import { emptyResult, type ServiceHandler } from '../../src/engine/service.js';
import { MemoryFeedbackStore, MemoryHookCallLog, MemoryNoticeStore } from '../../src/store/memory-stores.js';

export const PUBLIC_BASE_URL = 'https://cds.test.example';
export const NOW = '2026-11-23T02:00:00Z';

/** Flattens prefetch values (resources or Bundles; null = no data) into resources. */
function prefetchResources(prefetch: HookRequest['prefetch']): Resource[] {
  const out: Resource[] = [];
  for (const v of Object.values(prefetch ?? {})) {
    if (!v || typeof v !== 'object' || !('resourceType' in v)) continue;
    const r = v as Resource;
    if (r.resourceType === 'Bundle')
      for (const e of r.entry ?? []) {
        if (e.resource) out.push(e.resource);
      }
    else if (r.resourceType !== 'OperationOutcome') out.push(r);
  }
  return out;
}

/** A prefetch-only snapshot loader (the HTTP contract does not depend on the FHIR adapter). */
export const prefetchOnlyLoader: LoadSnapshot = async (_def, request) => {
  const ctx = request.context as Record<string, unknown>;
  const draft = ctx.draftOrders as { entry?: { resource?: Resource }[] } | undefined;
  return createSnapshot({
    patientId: String(ctx.patientId),
    resources: prefetchResources(request.prefetch),
    draftOrders: (draft?.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : [])),
    selections: Array.isArray(ctx.selections) ? (ctx.selections as string[]) : [],
    userId: typeof ctx.userId === 'string' ? ctx.userId : undefined,
    encounterId: typeof ctx.encounterId === 'string' ? ctx.encounterId : undefined,
  });
};

export interface Harness {
  readonly deps: AppDeps;
  readonly app: ReturnType<typeof createApp>;
  readonly feedback: MemoryFeedbackStore;
  /** Every hook call recorded for the audit trail. */
  readonly hookCalls: MemoryHookCallLog;
  /** Every AuthRequest the app made. */
  readonly authRequests: AuthRequest[];
  /** Every request a service handler received. */
  readonly handled: { service: ServiceId; request: HookRequest }[];
  /** Log lines written (JSON), for asserting what is and is not logged. */
  readonly logLines: () => Record<string, unknown>[];
}

export interface HarnessOptions {
  readonly env?: Record<string, string>;
  readonly deps?: Partial<Omit<AppDeps, 'services'>>;
  readonly services?: Partial<Record<ServiceId, ServiceHandler>>;
}

/** Builds the real app (real config, definitions, logger, stores) with recording ports. */
export function buildHarness(opts: HarnessOptions = {}): Harness {
  const config = loadConfig({ AUTH_MODE: 'off', PUBLIC_BASE_URL, LOG_LEVEL: 'debug', BODY_LIMIT_BYTES: '65536', ...opts.env });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  const notices = new MemoryNoticeStore();
  const hookCalls = new MemoryHookCallLog(notices);
  const feedback = new MemoryFeedbackStore(hookCalls);
  const authRequests: AuthRequest[] = [];
  const handled: { service: ServiceId; request: HookRequest }[] = [];
  const recording =
    (id: ServiceId): ServiceHandler =>
    async (input) => {
      handled.push({ service: id, request: input.request });
      const custom = opts.services?.[id];
      return custom ? custom(input) : emptyResult(input.now);
    };
  const deps: AppDeps = {
    config,
    clock: fixedClock(NOW, config.clinicTimeZone),
    logger: createLogger(config, sink),
    definitions: loadServiceDefinitions(),
    authenticate: async (r) => {
      authRequests.push(r);
      return { issuer: 'https://ehr.test.example' };
    },
    loadSnapshot: prefetchOnlyLoader,
    services: Object.fromEntries(SERVICE_IDS.map((id) => [id, recording(id)])) as Record<ServiceId, ServiceHandler>,
    notices,
    feedback,
    recordHookCall: hookCalls.record,
    ...(opts.deps as Partial<AppDeps>),
  } as AppDeps;
  return {
    deps,
    app: createApp(deps),
    feedback,
    hookCalls,
    authRequests,
    handled,
    logLines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** A minimal valid patient-view request (no prefetch: normal). */
export function patientViewRequest(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    hook: 'patient-view',
    hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
    context: { userId: 'Practitioner/pr-1', patientId: 'p-1' },
    ...extra,
  };
}
