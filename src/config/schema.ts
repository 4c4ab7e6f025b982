import { z } from 'zod';
import type { Policy } from '../clinical/policy.js';
import type { TlsFiles } from './tls-config.js';
import type { TrustProxy } from './trust-proxy.js';

/**
 * Configuration (docs/design.md#configuration): environment variables, validated once at start and frozen.
 * JSON-valued variables take either JSON or `@path/to/file.json`.
 */
export const trustedIssuerSchema = z
  .strictObject({
    iss: z.string().min(1),
    jwksUrl: z.url().optional(),
    jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1) }).optional(),
    /** Allowed `fhirServer` prefixes for this issuer (no SSRF). */
    fhirServers: z.array(z.url()).default([]),
    tenant: z.string().optional(),
    /**
     * The institution (Organization id) this issuer — or, with `tenant`, this tenant of the issuer —
     * calls for: the institution of its calls when the call itself names none (docs/design.md#institution).
     */
    institution: z.string().min(1).optional(),
  })
  .refine((v) => Boolean(v.jwksUrl) !== Boolean(v.jwks), { message: 'exactly one of jwksUrl or jwks is required' });

export const qcTokenSchema = z
  .strictObject({
    role: z.enum(['province', 'institution']),
    institution: z.string().optional(),
    /** A province token that may see record numbers and patient ids (docs/design.md#patient-identity); else pseudonyms. */
    seesMrn: z.boolean().optional(),
  })
  .refine((v) => v.role === 'province' || Boolean(v.institution), { message: 'an institution token needs "institution"' })
  .refine((v) => v.role === 'province' || v.seesMrn === undefined, {
    message: '"seesMrn" is for a province token (an institution token sees its own record numbers)',
  });

/** Shortest QC_PSEUDONYM_SECRET, UTF-8 bytes. */
export const PSEUDONYM_SECRET_MIN_BYTES = 32;

/**
 * QC_PSEUDONYM_SECRET (docs/design.md#patient-identity): the HMAC key of QC pseudonyms; blank =
 * unset (a key generated once and kept in the store). The message never quotes the value.
 */
export const pseudonymSecretSchema = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s.trim() === '' ? undefined : s))
  .refine((s) => s === undefined || new TextEncoder().encode(s).length >= PSEUDONYM_SECRET_MIN_BYTES, {
    message: `must be at least ${PSEUDONYM_SECRET_MIN_BYTES} bytes`,
  });

export type TrustedIssuer = z.infer<typeof trustedIssuerSchema>;
export type QcToken = z.infer<typeof qcTokenSchema>;

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Public base URL (no trailing slash), e.g. https://cds.example.org. Decides JWT `aud`. */
  readonly publicBaseUrl: string;
  /** Whether PUBLIC_BASE_URL was set (production): a notice is then never issued without real institution names. */
  readonly publicBaseUrlSet: boolean;
  /** MRN_SYSTEM: the Patient.identifier system of the record number printed on the written notice. */
  readonly mrnSystem: string | undefined;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly authMode: 'jwt' | 'off';
  readonly trustedIssuers: readonly TrustedIssuer[];
  readonly qcTokens: Readonly<Record<string, QcToken>>;
  /** QC_PSEUDONYM_SECRET: key of the pseudonyms a province token without `seesMrn` sees; never logged nor echoed. */
  readonly qcPseudonymSecret: string | undefined;
  readonly locale: 'zh-CN' | 'en';
  readonly policy: Policy;
  readonly noticeDeadlineDays: number;
  /** NOTICE_LINK_DAYS: a notice page link expires this many times 24 h after it was issued (docs/design.md#notice-links). */
  readonly noticeLinkDays: number;
  /** NOTICE_VIEW_ADDRESS: how much of the client address a notice page view records (`none` by default). */
  readonly noticeViewAddress: 'none' | 'prefix' | 'full';
  readonly fhirTimeoutMs: number;
  readonly clinicTimeZone: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Maximum accepted request body, bytes. */
  readonly bodyLimitBytes: number;
  /** Maximum pages followed per prefetch search when fetching from the FHIR server. */
  readonly fhirMaxPages: number;
  /** Requests per minute per issuer (0 = unlimited). */
  readonly rateLimitPerMinute: number;
  /** Failed EHR authentications per minute per client address before 429 (0 = unlimited). */
  readonly authFailureLimitPerMinute: number;
  /** Most FHIR reply body bytes read per hook call, all keys and pages together. */
  readonly fhirMaxBytes: number;
  /** Most body bytes of one FHIR reply (≤ fhirMaxBytes). */
  readonly fhirMaxReplyBytes: number;
  /** Time a client has to send the request headers (Node `server.headersTimeout`). */
  readonly httpHeadersTimeoutMs: number;
  /** Time a client has to send the whole request, headers and body (Node `server.requestTimeout`). */
  readonly httpRequestTimeoutMs: number;
  /** Time an idle keep-alive connection stays open (Node `server.keepAliveTimeout`). */
  readonly httpKeepAliveTimeoutMs: number;
  /** Longest string or member name of a request body, UTF-16 code units (400 above; src/http/text-boundary.ts). */
  readonly maxStringLength: number;
  /** Longest FHIR narrative `div` or Attachment `data` of a request body (400 above). */
  readonly maxNarrativeLength: number;
  /** Most feedback items in one feedback call (400 above). */
  readonly feedbackMaxItems: number;
  /** PostgreSQL `statement_timeout`, ms; a server that does not answer at all is given up 1 s later. */
  readonly dbStatementTimeoutMs: number;
  /** QC_STATEMENT_TIMEOUT_MS: PostgreSQL `statement_timeout` of a QC report read, ms (docs/design.md#qc-scale). */
  readonly qcStatementTimeoutMs: number;
  /** Opening one PostgreSQL connection gives up after this long, ms. */
  readonly dbConnectTimeoutMs: number;
  /** Waiting for a pooled PostgreSQL connection (opening one included) gives up after this long, ms. */
  readonly dbPoolAcquireTimeoutMs: number;
  /** Timeout of one JWKS fetch, ms; the first fetch of an issuer's keys holds up its first calls. */
  readonly jwksTimeoutMs: number;
  /** METRICS_TOKEN: bearer token `/metrics` requires (docs/design.md#metrics); never logged. */
  readonly metricsToken: string | undefined;
  /** METRICS_PORT: `/metrics` on a separate listener (bound to `metricsHost`) instead of the service port. */
  readonly metricsPort: number | undefined;
  /** METRICS_HOST: address of the METRICS_PORT listener (default 127.0.0.1). */
  readonly metricsHost: string;
  /** NODE_ENV=production or PUBLIC_BASE_URL set: without token or port, `/metrics` is then not served. */
  readonly metricsProduction: boolean;
  /** TLS_CERT_FILE / TLS_KEY_FILE: every listener speaks HTTPS (docs/design.md#tls); the paths only, read at start. */
  readonly tls: TlsFiles | undefined;
  /** TRUST_PROXY: express's `trust proxy`, deciding `req.ip` and `req.protocol` (docs/design.md#trust-proxy). */
  readonly trustProxy: TrustProxy;
}
