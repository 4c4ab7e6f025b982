import type { Resource } from '@medplum/fhirtypes';
import type { Logger } from 'pino';
import { DEFAULT_POLICY, type Policy } from '../clinical/policy.js';
import { matcherFor } from '../clinical/value-sets/matcher.js';
import { AppError, type IssueDetail } from '../errors/app-error.js';
import type { LoadSnapshot } from '../ports.js';
import type { HookRequest, ServiceDefinition } from '../cds-hooks/wire.js';
import { lazyFetchSession, type LazyFetchSession } from './fetch-session.js';
import type { FhirReadResult } from './fhir-client.js';
import type { FhirFailureReason } from './response-guard.js';
import { bundleResources, classifyPrefetch, isResourceObject, type PrefetchState } from './prefetch-state.js';
import { renderPrefetchTemplate, type TemplateRendering } from './prefetch-template.js';
import { checkResourceShape, describeShapeProblem } from './r4-shape.js';
import { MAX_REFERENCE_READS, failureText, fetchReferences, type ReferenceFetchResult } from './reference-fetch.js';
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
  /**
   * The rule policy (`POLICY_FILE`): its value sets and local codes pick the prenatal-diagnosis
   * reports whose performer the reference fetch reads. Default: the built-in policy.
   */
  readonly policy?: Policy;
  /** Told the kind of every failed FHIR read (the metrics, docs/design.md#metrics). */
  readonly onFetchFailure?: (reason: FhirFailureReason) => void;
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
  /** The rendered template, when it rendered. */
  readonly query?: string;
}

/** A key that still needs data from the FHIR server (`query`), or why it cannot get any (`reason`). */
interface Pending {
  readonly key: string;
  readonly prefetch: PrefetchState['state'];
  readonly invalid?: string;
  readonly query?: string;
  readonly reason?: string;
}

export function createSnapshotLoader(opts: SnapshotLoaderOptions): LoadSnapshot {
  const matcher = matcherFor(opts.policy ?? DEFAULT_POLICY);
  return async (def, request, signal, logger = opts.logger) => {
    const orders = draftOrders(request.context['draftOrders']);
    if ('patient' in def.prefetch && classifyPrefetch(request.prefetch, 'patient').state === 'no-data') {
      // CDS Hooks: a null prefetch value means the EHR has no such data — no patient, nothing to say.
      logger.warn({ hookInstance: request.hookInstance, service: def.id }, 'prefetch.patient is null: no patient data, no cards');
      return createSnapshot({ patientId: '', resources: [], patientNoData: true });
    }
    const settled: KeyOutcome[] = [];
    const pending: Pending[] = [];
    const notApplicable: string[] = [];
    for (const [key, template] of Object.entries(def.prefetch)) {
      const state = classifyPrefetch(request.prefetch, key);
      const rendered = renderPrefetchTemplate(template, request.context);
      const query = rendered.ok ? { query: rendered.query } : {};
      if (state.state === 'present') settled.push({ key, prefetch: 'present', fetched: false, resources: state.resources, ...query });
      else if (state.state === 'no-data') settled.push({ key, prefetch: 'no-data', fetched: false, resources: [], ...query });
      // A key whose token does not apply to this call (no encounter; a user of another type) is not
      // missing data: the EHR omits it. A required one still is (412).
      else if (!rendered.ok && rendered.notApplicable && !isRequired(def, key)) notApplicable.push(key);
      else pending.push(planFetch(key, state, rendered, request));
    }
    const fetching = lazyFetchSession(request, { ...opts, maxConcurrentReads: Math.max(pending.length, MAX_REFERENCE_READS) }, signal);
    try {
      settled.push(...(await fetchPending(pending, fetching)));
      const missing = requiredMissing(def, settled);
      if (missing.length > 0) {
        logResolved(def, request, settled, notApplicable, undefined, logger);
        throw new AppError('data-unavailable', missing);
      }
      const references = await fetchReferences(
        {
          resources: settled.flatMap((o) => o.resources),
          ...contextIds(request),
          ...(typeof request.context['patientId'] === 'string' ? { patientId: request.context['patientId'] } : {}),
          matcher,
          settled: settledQueries(settled),
        },
        fetching,
      );
      logResolved(def, request, settled, notApplicable, references, logger);
      return finish(request, settled, references, orders);
    } finally {
      fetching.dispose();
    }
  };
}

function planFetch(key: string, state: PrefetchState, rendered: TemplateRendering, request: HookRequest): Pending {
  const invalid = state.state === 'failed' ? state.detail : undefined;
  const was = state.state === 'failed' ? `prefetched value failed (${invalid ?? state.reason})` : 'not prefetched';
  const base = { key, prefetch: state.state, ...(invalid ? { invalid } : {}) };
  if (!rendered.ok) return { ...base, reason: `${was}; template token {{${rendered.token}}} not resolvable: ${rendered.reason}` };
  if (!request.fhirServer || !request.fhirAuthorization) {
    return { ...base, query: rendered.query, reason: `${was}; no fhirServer with fhirAuthorization to fetch from` };
  }
  return { key, prefetch: state.state, query: rendered.query };
}

async function fetchPending(pending: readonly Pending[], fetching: LazyFetchSession): Promise<KeyOutcome[]> {
  const noFetch = (p: Pending): KeyOutcome => ({
    key: p.key,
    prefetch: p.prefetch,
    fetched: false,
    resources: [],
    reason: p.reason ?? 'not fetched',
    ...(p.query ? { query: p.query } : {}),
    ...(p.invalid ? { invalid: p.invalid } : {}),
  });
  const session = pending.some((p) => p.reason === undefined) ? fetching.open() : undefined;
  return Promise.all(
    pending.map(async (p): Promise<KeyOutcome> => {
      if (p.reason !== undefined || p.query === undefined || !session) return noFetch(p);
      const result = await session.reader.read(p.query, session.signal);
      return fetchedOutcome(p, p.query, result);
    }),
  );
}

function fetchedOutcome(p: Pending, query: string, result: FhirReadResult): KeyOutcome {
  const was = p.prefetch === 'failed' ? 'prefetched value failed' : 'not prefetched';
  if (!result.ok) {
    return {
      key: p.key,
      prefetch: p.prefetch,
      fetched: true,
      resources: [],
      query,
      reason: `${was}; ${failureText(result)}`,
      ...(result.reason === 'malformed-resource' && result.detail ? { invalid: result.detail } : {}),
    };
  }
  return {
    key: p.key,
    prefetch: p.prefetch,
    fetched: true,
    resources: result.resources,
    query,
    ...(result.incomplete ? { incomplete: result.incomplete } : {}),
  };
}

/** Rendered queries of the first stage that settled without data: why (failed) or `null` (no data). */
function settledQueries(outcomes: readonly KeyOutcome[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const o of outcomes) {
    if (o.query === undefined) continue;
    if (o.reason !== undefined) out.set(o.query, o.reason);
    else if (o.prefetch === 'no-data' && o.resources.length === 0) out.set(o.query, null);
  }
  return out;
}

function contextIds(request: HookRequest): { userId?: string; encounterId?: string } {
  const ctx = request.context;
  return {
    ...(typeof ctx['userId'] === 'string' ? { userId: ctx['userId'] } : {}),
    ...(typeof ctx['encounterId'] === 'string' ? { encounterId: ctx['encounterId'] } : {}),
  };
}

function isRequired(def: ServiceDefinition, key: string): boolean {
  return key === 'patient' || def.requiredPrefetch.includes(key);
}

function requiredMissing(def: ServiceDefinition, outcomes: readonly KeyOutcome[]): IssueDetail[] {
  return outcomes
    .filter((o) => o.reason !== undefined && isRequired(def, o.key))
    .map((o) => ({ path: `prefetch.${o.key}`, message: o.invalid ?? o.reason ?? '' }));
}

/**
 * Operators care about calls that went to the FHIR server or lacked data (info); a call answered
 * wholly from prefetch is routine (debug): at info it would double the log volume under load.
 * Key names, states, counts and reference ids only.
 */
function logResolved(
  def: ServiceDefinition,
  request: HookRequest,
  outcomes: readonly KeyOutcome[],
  notApplicable: readonly string[],
  references: ReferenceFetchResult | undefined,
  logger: Logger,
): void {
  const unavailable = outcomes.filter((o) => o.reason !== undefined).map((o) => o.key);
  const notable =
    unavailable.length > 0 ||
    outcomes.some((o) => o.fetched) ||
    (references !== undefined && (references.reads > 0 || references.unresolved.length > 0));
  logger[notable ? 'info' : 'debug'](
    {
      hookInstance: request.hookInstance,
      service: def.id,
      keys: summarise(outcomes),
      unavailable,
      ...(notApplicable.length > 0 ? { notApplicable } : {}),
      ...(references && (references.rounds > 0 || references.unresolved.length > 0)
        ? {
            references: {
              rounds: references.rounds,
              reads: references.reads,
              fetched: references.fetched,
              unresolved: references.unresolved,
            },
          }
        : {}),
    },
    'prefetch resolved',
  );
}

function finish(
  request: HookRequest,
  outcomes: readonly KeyOutcome[],
  references: ReferenceFetchResult,
  orders: readonly Resource[],
): PatientSnapshot {
  const ctx = request.context;
  const patientId = typeof ctx['patientId'] === 'string' ? ctx['patientId'] : '';
  const snapshot = createSnapshot({
    patientId,
    resources: [...outcomes.flatMap((o) => o.resources), ...references.resources],
    draftOrders: orders,
    selections: Array.isArray(ctx['selections']) ? ctx['selections'].filter((s): s is string => typeof s === 'string') : [],
    ...contextIds(request),
    unavailable: outcomes.filter((o) => o.reason !== undefined).map((o) => o.key),
    unresolved: references.unresolved,
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
