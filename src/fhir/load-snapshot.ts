import { defaultMaxListeners, setMaxListeners } from 'node:events';
import type { Resource } from '@medplum/fhirtypes';
import type { Logger } from 'pino';
import { AppError, type IssueDetail } from '../errors/app-error.js';
import type { LoadSnapshot } from '../ports.js';
import type { HookRequest, ServiceDefinition } from '../cds-hooks/wire.js';
import { deadline } from './deadline.js';
import { createFhirReader, type FhirReadResult, type FhirReader } from './fhir-client.js';
import { bundleResources, classifyPrefetch, isResourceObject, type PrefetchState } from './prefetch-state.js';
import { renderPrefetchTemplate } from './prefetch-template.js';
import { checkResourceShape, describeShapeProblem } from './r4-shape.js';
import { createSnapshot, type PatientSnapshot } from './snapshot.js';

/**
 * Builds the frozen {@link PatientSnapshot} of a hook call (docs/design.md#prefetch;
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
 * Every resource is checked against the FHIR R4 JSON shapes (./r4-shape.ts) before any rule sees
 * it. A prefetched value with a malformed resource is `failed` (so it is fetched when it can be);
 * data that stays malformed makes its key unavailable like any other failure: 412 for a required
 * key (message `<Type>/<id> is not valid FHIR R4: <path>`), `snapshot.unavailable` otherwise — the
 * key's data is dropped whole, never used in part. A malformed `context.draftOrders` resource is a
 * malformed request: `AppError('invalid-request')` (400), checked before anything is fetched.
 *
 * Logs key names, states and counts only — never resources, context values or tokens.
 */
export interface SnapshotLoaderOptions {
  readonly timeoutMs: number;
  /** Most Bundle pages read per fetched key. */
  readonly maxPages: number;
  readonly logger: Logger;
  readonly fetch?: typeof fetch;
  /** Most FHIR body bytes read per hook call, all keys and pages together (`FHIR_MAX_BYTES`); beyond it a key fails `too-large`. */
  readonly maxBytes?: number;
  /** Most body bytes of one FHIR reply (`FHIR_MAX_REPLY_BYTES`). */
  readonly maxReplyBytes?: number;
}

/** How one key ended up. `reason` is set when its data is unavailable. */
interface KeyOutcome {
  readonly key: string;
  readonly prefetch: PrefetchState['state'];
  readonly fetched: boolean;
  readonly resources: readonly Resource[];
  readonly reason?: string;
  /** Set when the key is unavailable because its data is not valid R4 (the 412 message then). */
  readonly invalid?: string;
  readonly incomplete?: string;
}

/** A key that still needs data from the FHIR server, or why it cannot get any. */
type Pending = { readonly key: string; readonly prefetch: PrefetchState['state']; readonly invalid?: string } & (
  { readonly query: string } | { readonly reason: string }
);

export function createSnapshotLoader(opts: SnapshotLoaderOptions): LoadSnapshot {
  return async (def, request, signal) => {
    const orders = draftOrders(request.context['draftOrders']);
    const settled: KeyOutcome[] = [];
    const pending: Pending[] = [];
    for (const [key, template] of Object.entries(def.prefetch)) {
      const state = classifyPrefetch(request.prefetch, key);
      if (state.state === 'present') settled.push({ key, prefetch: 'present', fetched: false, resources: state.resources });
      else if (state.state === 'no-data') settled.push({ key, prefetch: 'no-data', fetched: false, resources: [] });
      else pending.push(planFetch(key, state, template, request));
    }
    settled.push(...(await fetchPending(pending, request, opts, signal)));
    return finish(def, request, settled, orders, opts.logger);
  };
}

function planFetch(key: string, state: PrefetchState, template: string, request: HookRequest): Pending {
  const invalid = state.state === 'failed' ? state.detail : undefined;
  const was = state.state === 'failed' ? `prefetched value failed (${invalid ?? state.reason})` : 'not prefetched';
  const base = { key, prefetch: state.state, ...(invalid ? { invalid } : {}) };
  const rendered = renderPrefetchTemplate(template, request.context);
  if (!rendered.ok) return { ...base, reason: `${was}; template token {{${rendered.token}}} not resolvable: ${rendered.reason}` };
  if (!request.fhirServer || !request.fhirAuthorization) {
    return { ...base, reason: `${was}; no fhirServer with fhirAuthorization to fetch from` };
  }
  return { key, prefetch: state.state, query: rendered.query };
}

async function fetchPending(
  pending: readonly Pending[],
  request: HookRequest,
  opts: SnapshotLoaderOptions,
  signal: AbortSignal | undefined,
): Promise<KeyOutcome[]> {
  const noFetch = (p: Pending & { reason: string }): KeyOutcome => ({
    key: p.key,
    prefetch: p.prefetch,
    fetched: false,
    resources: [],
    reason: p.reason,
    ...(p.invalid ? { invalid: p.invalid } : {}),
  });
  if (!pending.some((p) => 'query' in p)) return pending.map((p) => noFetch(p as Pending & { reason: string }));
  // Own timer + controller, not AbortSignal.timeout via AbortSignal.any (see ./deadline.ts).
  const phase = deadline(opts.timeoutMs, signal);
  // Each read below listens on the phase's signal until it settles: one listener per key, all
  // removed by then. Node warns past 10 (order-sign has more keys), once per signal: every call.
  setMaxListeners(Math.max(defaultMaxListeners, pending.length + 1), phase.signal);
  const reader: FhirReader = createFhirReader({
    fhirServer: request.fhirServer ?? '',
    accessToken: request.fhirAuthorization?.access_token ?? '',
    maxPages: opts.maxPages,
    ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}),
    ...(opts.maxReplyBytes !== undefined ? { maxReplyBytes: opts.maxReplyBytes } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  try {
    return await Promise.all(
      pending.map(async (p): Promise<KeyOutcome> => {
        if (!('query' in p)) return noFetch(p);
        const result = await reader.read(p.query, phase.signal);
        return fetchedOutcome(p, result);
      }),
    );
  } finally {
    phase.dispose();
  }
}

function fetchedOutcome(p: Pending, result: FhirReadResult): KeyOutcome {
  const was = p.prefetch === 'failed' ? 'prefetched value failed' : 'not prefetched';
  if (!result.ok) {
    const status = result.status === undefined ? '' : ` ${result.status}`;
    const detail = result.detail === undefined ? '' : ` (${result.detail})`;
    return {
      key: p.key,
      prefetch: p.prefetch,
      fetched: true,
      resources: [],
      reason: `${was}; fetch failed: ${result.reason}${status}${detail}`,
      ...(result.reason === 'malformed-resource' && result.detail ? { invalid: result.detail } : {}),
    };
  }
  return {
    key: p.key,
    prefetch: p.prefetch,
    fetched: true,
    resources: result.resources,
    ...(result.incomplete ? { incomplete: result.incomplete } : {}),
  };
}

function finish(
  def: ServiceDefinition,
  request: HookRequest,
  outcomes: readonly KeyOutcome[],
  orders: readonly Resource[],
  logger: Logger,
): PatientSnapshot {
  const required = new Set([...def.requiredPrefetch, 'patient']);
  const missing: IssueDetail[] = [];
  const unavailable: string[] = [];
  for (const o of outcomes) {
    if (o.reason === undefined) continue;
    if (required.has(o.key)) missing.push({ path: `prefetch.${o.key}`, message: o.invalid ?? o.reason });
    else unavailable.push(o.key);
  }
  // Operators care about calls that went to the FHIR server or lacked data (info); a call answered
  // wholly from prefetch is routine (debug): at info it would double the log volume under load.
  const notable = unavailable.length > 0 || missing.length > 0 || outcomes.some((o) => o.fetched);
  logger[notable ? 'info' : 'debug'](
    { hookInstance: request.hookInstance, service: def.id, keys: summarise(outcomes), unavailable },
    'prefetch resolved',
  );
  if (missing.length > 0) throw new AppError('data-unavailable', missing);

  const ctx = request.context;
  const patientId = typeof ctx['patientId'] === 'string' ? ctx['patientId'] : '';
  const snapshot = createSnapshot({
    patientId,
    resources: outcomes.flatMap((o) => o.resources),
    draftOrders: orders,
    selections: Array.isArray(ctx['selections']) ? ctx['selections'].filter((s): s is string => typeof s === 'string') : [],
    ...(typeof ctx['userId'] === 'string' ? { userId: ctx['userId'] } : {}),
    ...(typeof ctx['encounterId'] === 'string' ? { encounterId: ctx['encounterId'] } : {}),
    unavailable,
  });
  if (!snapshot.patient) {
    throw new AppError('data-unavailable', [
      { path: 'prefetch.patient', message: 'the Patient of context.patientId is not in the prefetched or fetched data' },
    ]);
  }
  return snapshot;
}

/**
 * `context.draftOrders` is a Bundle (order-select / order-sign); its entries' resources. They are
 * part of the request, so a resource that is not valid R4 is a malformed request (400), named by
 * its path in the request.
 */
function draftOrders(value: unknown): readonly Resource[] {
  if (value === undefined || value === null || !isResourceObject(value)) return [];
  if (value.resourceType === 'OperationOutcome') return [];
  const resources = value.resourceType === 'Bundle' ? bundleResources(value) : [value];
  if (resources === undefined) return [];
  const problem = checkResourceShape(value);
  if (problem) {
    const path =
      problem.fullPath === ''
        ? 'context.draftOrders'
        : `context.draftOrders${problem.fullPath.startsWith('[') ? '' : '.'}${problem.fullPath}`;
    throw new AppError('invalid-request', [{ path, message: describeShapeProblem(problem) }]);
  }
  return resources;
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
      ...(o.invalid ? { invalid: o.invalid } : {}),
      ...(o.incomplete ? { incomplete: o.incomplete } : {}),
    };
  }
  return out;
}
