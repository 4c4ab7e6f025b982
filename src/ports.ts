import type { Logger } from 'pino';
import type { Clock, ClinicalNow } from './clock.js';
import type { Config } from './config/schema.js';
import type { PatientSnapshot } from './fhir/snapshot.js';
import type { Finding, ServiceId } from './engine/rule.js';
import type { HookCallRecord } from './store/records.js';
import type { AuditStore } from './store/audit-store.js';
import type { RegistryStore } from './orders/credential-records.js';
import type { CdsResponse } from './cds-hooks/card-schema.js';

/**
 * The ports the HTTP layer is built from (app factory with explicit dependencies, no singletons).
 * Each is implemented by one module and replaced by a fake-free real implementation in tests
 * (loopback servers, generated keys), never by a stub that pretends.
 */

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

/** Who called, once the JWT has been verified (or auth is off in development). */
export interface AuthContext {
  /** `iss` of the verified JWT; `"dev"` when AUTH_MODE=off. */
  readonly issuer: string;
  readonly tenant?: string;
  readonly jti?: string;
}

/** The raw request facts authentication needs. */
export interface AuthRequest {
  /** The `Authorization` header, if any. */
  readonly authorization: string | undefined;
  /** The exact endpoint URL the token must be addressed to (`aud`), under PUBLIC_BASE_URL. */
  readonly audience: string;
  /** `fhirServer` of the hook request (checked against the issuer's allow-list), if any. */
  readonly fhirServer: string | undefined;
}

/** Verifies the caller; throws AppError('unauthorized') (no detail on the wire) on any failure. */
export type Authenticate = (req: AuthRequest) => Promise<AuthContext>;

/**
 * Builds the frozen patient snapshot for a hook call: prefetch first, then fetch what is absent or
 * failed from `fhirServer`. Throws AppError('data-unavailable') (412) when a required key can be
 * neither prefetched nor fetched.
 */
export type LoadSnapshot = (def: ServiceDefinition, request: HookRequest, signal?: AbortSignal) => Promise<PatientSnapshot>;

/** What a service returns for one hook call: the response plus what the audit trail records. */
export interface ServiceResult {
  readonly response: CdsResponse;
  /** The findings of every card (rule, citation, evidence, params), for the audit trail / QC. */
  readonly findings: readonly Finding[];
  readonly ruleErrors: readonly { readonly rule: string; readonly cause: string }[];
  /** Notice issued by this call, if any: stored (with its hash) before the answer leaves. */
  readonly notice?: StoredNotice;
  /** Audit facts of this call: pregnancy key, practitioner and institution, when known. */
  readonly audit?: { readonly pregnancyKey?: string; readonly practitionerId?: string; readonly institutionId?: string };
}

/** A pure(ish) service handler: snapshot + request + now → result. Persisting notices is the caller's job. */
export type ServiceHandler = (input: {
  readonly snapshot: PatientSnapshot;
  readonly request: HookRequest;
  readonly now: ClinicalNow;
}) => Promise<ServiceResult> | ServiceResult;

/** A stored written notice (content fixed at card time, with its hash). */
export interface StoredNotice {
  readonly id: string;
  readonly createdAt: string;
  /** SHA-256 (hex) of the canonical JSON (sorted keys) of `content` (see src/notice/notice-content.ts). */
  readonly hash: string;
  readonly patientId: string;
  readonly institutionId?: string;
  /** The notice content, a pure data structure the notice page renders per locale. */
  readonly content: unknown;
}

/** Notice persistence port; in-memory now, PostgreSQL later (issue [4/6]) — same contract. */
export interface NoticeStore {
  put(notice: StoredNotice): Promise<void>;
  get(id: string): Promise<StoredNotice | undefined>;
}

/** One feedback item as received (https://cds-hooks.hl7.org/2.0/#feedback). */
export interface FeedbackRecord {
  readonly serviceId: ServiceId;
  readonly receivedAt: string;
  readonly issuer: string;
  readonly item: Readonly<Record<string, unknown>>;
}

/** Durable sink for feedback: resolves only once every item is stored. */
export interface FeedbackStore {
  append(records: readonly FeedbackRecord[]): Promise<void>;
}

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
  readonly notices: NoticeStore;
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
}
