import type { Resource } from '@medplum/fhirtypes';
import type { Logger } from 'pino';
import { AppError, type IssueDetail } from '../errors/app-error.js';
import type { HookRequest, LoadSnapshot, ServiceDefinition } from '../ports.js';
import { createFhirReader, type FhirReadResult, type FhirReader } from './fhir-client.js';
import { classifyPrefetch, classifyValue, type PrefetchState } from './prefetch-state.js';
import { renderPrefetchTemplate } from './prefetch-template.js';
import { createSnapshot, type PatientSnapshot } from './snapshot.js';

/**
 * Builds the frozen {@link PatientSnapshot} of a hook call (shared/DESIGN.md §4 "Prefetch";
 * https://cds-hooks.hl7.org/2.0/#providing-fhir-resources-to-a-cds-service):
 *
 * 1. each prefetch key of the service is classified (`present` / `no-data` / `failed` / `absent`);
 * 2. `absent` and `failed` keys are fetched from `fhirServer` with `fhirAuthorization` (only when
 *    both are given, https://cds-hooks.hl7.org/2.0/#fhir-resource-access), all in parallel, the
 *    whole fetch phase bounded by `timeoutMs`; `no-data` is final;
 * 3. a key in `requiredPrefetch` (and always the Patient) that can be neither prefetched nor
 *    fetched → `AppError('data-unavailable')` (412) naming every such key; other keys degrade
 *    into `snapshot.unavailable`.
 *
 * Logs key names, states and counts only — never resources, context values or tokens.
 */
export interface SnapshotLoaderOptions {
  readonly timeoutMs: number;
  /** Most Bundle pages read per fetched key. */
  readonly maxPages: number;
  readonly logger: Logger;
  readonly fetch?: typeof fetch;
}

/** How one key ended up. `reason` is set when its data is unavailable. */
interface KeyOutcome {
  readonly key: string;
  readonly prefetch: PrefetchState['state'];
  readonly fetched: boolean;
  readonly resources: readonly Resource[];
  readonly reason?: string;
  readonly incomplete?: string;
}

/** A key that still needs data from the FHIR server, or why it cannot get any. */
type Pending = { readonly key: string; readonly prefetch: PrefetchState['state'] } & (
  { readonly query: string } | { readonly reason: string }
);

export function createSnapshotLoader(opts: SnapshotLoaderOptions): LoadSnapshot {
  return async (def, request, signal) => {
    const settled: KeyOutcome[] = [];
    const pending: Pending[] = [];
    for (const [key, template] of Object.entries(def.prefetch)) {
      const state = classifyPrefetch(request.prefetch, key);
      if (state.state === 'present') settled.push({ key, prefetch: 'present', fetched: false, resources: state.resources });
      else if (state.state === 'no-data') settled.push({ key, prefetch: 'no-data', fetched: false, resources: [] });
      else pending.push(planFetch(key, state, template, request));
    }
    settled.push(...(await fetchPending(pending, request, opts, signal)));
    return finish(def, request, settled, opts.logger);
  };
}

function planFetch(key: string, state: PrefetchState, template: string, request: HookRequest): Pending {
  const was = state.state === 'failed' ? `prefetched value failed (${state.reason})` : 'not prefetched';
  const rendered = renderPrefetchTemplate(template, request.context);
  if (!rendered.ok) return { key, prefetch: state.state, reason: `${was}; template token {{${rendered.token}}} not resolvable: ${rendered.reason}` };
  if (!request.fhirServer || !request.fhirAuthorization) {
    return { key, prefetch: state.state, reason: `${was}; no fhirServer with fhirAuthorization to fetch from` };
  }
  return { key, prefetch: state.state, query: rendered.query };
}

async function fetchPending(
  pending: readonly Pending[],
  request: HookRequest,
  opts: SnapshotLoaderOptions,
  signal: AbortSignal | undefined,
): Promise<KeyOutcome[]> {
  const noFetch = (p: Pending & { reason: string }): KeyOutcome => ({ key: p.key, prefetch: p.prefetch, fetched: false, resources: [], reason: p.reason });
  if (!pending.some((p) => 'query' in p)) return pending.map((p) => noFetch(p as Pending & { reason: string }));
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  const phase = signal ? AbortSignal.any([signal, deadline]) : deadline;
  const reader: FhirReader = createFhirReader({
    fhirServer: request.fhirServer ?? '',
    accessToken: request.fhirAuthorization?.access_token ?? '',
    maxPages: opts.maxPages,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  return Promise.all(pending.map(async (p): Promise<KeyOutcome> => {
    if (!('query' in p)) return noFetch(p);
    const result = await reader.read(p.query, phase);
    return fetchedOutcome(p, result);
  }));
}

function fetchedOutcome(p: Pending, result: FhirReadResult): KeyOutcome {
  const was = p.prefetch === 'failed' ? 'prefetched value failed' : 'not prefetched';
  if (!result.ok) {
    const status = result.status === undefined ? '' : ` ${result.status}`;
    return { key: p.key, prefetch: p.prefetch, fetched: true, resources: [], reason: `${was}; fetch failed: ${result.reason}${status}` };
  }
  return {
    key: p.key, prefetch: p.prefetch, fetched: true, resources: result.resources,
    ...(result.incomplete ? { incomplete: result.incomplete } : {}),
  };
}

function finish(def: ServiceDefinition, request: HookRequest, outcomes: readonly KeyOutcome[], logger: Logger): PatientSnapshot {
  const required = new Set([...def.requiredPrefetch, 'patient']);
  const missing: IssueDetail[] = [];
  const unavailable: string[] = [];
  for (const o of outcomes) {
    if (o.reason === undefined) continue;
    if (required.has(o.key)) missing.push({ path: `prefetch.${o.key}`, message: o.reason });
    else unavailable.push(o.key);
  }
  logger.info({ hookInstance: request.hookInstance, service: def.id, keys: summarise(outcomes), unavailable }, 'prefetch resolved');
  if (missing.length > 0) throw new AppError('data-unavailable', missing);

  const ctx = request.context;
  const patientId = typeof ctx['patientId'] === 'string' ? ctx['patientId'] : '';
  const snapshot = createSnapshot({
    patientId,
    resources: outcomes.flatMap((o) => o.resources),
    draftOrders: draftOrders(ctx['draftOrders']),
    selections: Array.isArray(ctx['selections']) ? ctx['selections'].filter((s): s is string => typeof s === 'string') : [],
    ...(typeof ctx['userId'] === 'string' ? { userId: ctx['userId'] } : {}),
    ...(typeof ctx['encounterId'] === 'string' ? { encounterId: ctx['encounterId'] } : {}),
    unavailable,
  });
  if (!snapshot.patient) {
    throw new AppError('data-unavailable', [{ path: 'prefetch.patient', message: 'the Patient of context.patientId is not in the prefetched or fetched data' }]);
  }
  return snapshot;
}

/** `context.draftOrders` is a Bundle (order-select / order-sign); its entries' resources. */
function draftOrders(value: unknown): readonly Resource[] {
  if (value === undefined || value === null) return [];
  const state = classifyValue(value);
  return state.state === 'present' ? state.resources : [];
}

function summarise(outcomes: readonly KeyOutcome[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const o of outcomes) {
    out[o.key] = {
      prefetch: o.prefetch,
      fetched: o.fetched,
      count: o.resources.length,
      available: o.reason === undefined,
      ...(o.reason ? { reason: o.reason } : {}),
      ...(o.incomplete ? { incomplete: o.incomplete } : {}),
    };
  }
  return out;
}
