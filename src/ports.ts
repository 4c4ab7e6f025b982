import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { Config } from './config/schema.js';
import type { HookRequest, ServiceDefinition } from './cds-hooks/wire.js';
import type { ServiceId } from './engine/rule.js';
import type { ServiceHandler } from './engine/service.js';
import type { PatientSnapshot } from './fhir/snapshot.js';
import type { RegistryStore } from './orders/credential-records.js';
import type { AuditStore } from './store/audit-store.js';
import type { FeedbackStore, HookCallRecord, NoticeStore } from './store/records.js';
import type { NoticeLinkStore } from './store/notice-links.js';
import type { Metrics } from './metrics/metrics.js';

/**
 * The ports the HTTP layer is built from (app factory with explicit dependencies, no singletons).
 * Each is implemented by one module and replaced by a fake-free real implementation in tests
 * (loopback servers, generated keys), never by a stub that pretends.
 */

/** Who called, once the JWT has been verified (or auth is off in development). */
export interface AuthContext {
  /** `iss` of the verified JWT; `"dev"` when AUTH_MODE=off. */
  readonly issuer: string;
  readonly tenant?: string;
  readonly jti?: string;
  /** The institution bound to the verified issuer (and tenant) in TRUSTED_ISSUERS, if any. */
  readonly institution?: string;
  /**
   * The `fhirServer` prefixes the verified issuer (and tenant) may name, checked once the body is
   * parsed (`authorizeFhirServer`); absent when AUTH_MODE=off (not checked).
   */
  readonly fhirServers?: readonly string[];
}

/** The raw request facts authentication needs: headers and the URL only, never the body. */
export interface AuthRequest {
  /** The `Authorization` header, if any. */
  readonly authorization: string | undefined;
  /** The exact endpoint URL the token must be addressed to (`aud`), under PUBLIC_BASE_URL. */
  readonly audience: string;
  /** The request's id, for the log line of a rejection (docs/design.md#logging). */
  readonly reqId?: string;
}

/** Verifies the caller; throws AppError('unauthorized') (no detail on the wire) on any failure. */
export type Authenticate = (req: AuthRequest) => Promise<AuthContext>;

/**
 * Builds the frozen patient snapshot for a hook call: prefetch first, then fetch what is absent or
 * failed from `fhirServer`. Throws AppError('data-unavailable') (412) when a required key can be
 * neither prefetched nor fetched; a snapshot marked `patientNoData` when the EHR prefetched
 * `patient: null` (answered with no cards, no service run).
 */
export type LoadSnapshot = (
  def: ServiceDefinition,
  request: HookRequest,
  signal?: AbortSignal,
  /** The request's logger (its lines carry the request id); the loader's own when absent. */
  logger?: Logger,
) => Promise<PatientSnapshot>;

/**
 * Records one hook call (findings, cards, suggestions, rule errors, and the notice it issued) in
 * one atomic write; resolves only once it is durable — the answer depends on it. A store failure
 * rejects with AppError('store-unavailable') (503).
 */
export type RecordHookCall = (record: HookCallRecord) => Promise<void>;

export interface AppDeps {
  readonly config: Config;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly definitions: readonly ServiceDefinition[];
  readonly authenticate: Authenticate;
  readonly loadSnapshot: LoadSnapshot;
  readonly services: Readonly<Record<ServiceId, ServiceHandler>>;
  /** Notices with their page links and views (`GET /notices/{id}?t=…`, docs/design.md#notice-links). */
  readonly notices: NoticeStore & NoticeLinkStore;
  readonly feedback: FeedbackStore;
  readonly recordHookCall: RecordHookCall;
  /**
   * The audit store's reads and acknowledgements, for the QC API (`/qc/...`) and
   * `POST /notices/{id}/acknowledgement`. Absent in tests of the CDS contract alone: those routes
   * are then not mounted.
   */
  readonly audit?: AuditStore;
  /** The provincial registry (certificates, licences) for `GET /qc/registry`. */
  readonly registry?: RegistryStore;
  /** Readiness (`GET /readyz`): resolves when the store answers; rejects otherwise. */
  readonly ready?: () => Promise<void>;
  /** The app's metrics (docs/design.md#metrics); `createApp` makes a registry of its own when absent. */
  readonly metrics?: Metrics;
  /**
   * Rate-limit counters shared by replicas (PostgreSQL, docs/design.md#scale-out). Absent: the
   * limits are counted in the process (the embedded store is one process).
   */
  readonly rateCounters?: RateCounters;
}

/** Fixed-window request counters in the store (src/store/rate-limit-counters.ts). */
export interface RateCounters {
  /** Adds one to (limiter, key, window) and returns the window's count, in one statement. */
  count(limiter: string, key: string, windowStart: string): Promise<number>;
  /** Deletes (a bounded batch of) the windows that started before `before`; returns how many rows. */
  prune(before: string): Promise<number>;
}
