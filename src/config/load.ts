import { z } from 'zod';
import { JWKS_FETCH_TIMEOUT_MS } from '../auth/auth-policy.js';
import { policySchema } from '../clinical/policy.js';
import { ConfigError } from './config-error.js';
import { jsonVariable } from './json-variable.js';
import { pseudonymSecretSchema, qcTokenSchema, trustedIssuerSchema, type Config } from './schema.js';
import { isMetricsConfigIssue, readMetricsConfig } from './metrics-config.js';
import { readTlsFiles } from './tls-config.js';
import { parseTrustProxy } from './trust-proxy.js';
import { deepFreeze } from '../deep-freeze.js';

export { ConfigError } from './config-error.js';

type Env = Readonly<Record<string, string | undefined>>;

function parseWith<T>(name: string, schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const first = r.error.issues[0];
    const where = first && first.path.length ? ` at ${first.path.join('.')}` : '';
    throw new ConfigError(name, `${first?.message ?? 'invalid'}${where}`);
  }
  return r.data;
}

const intIn = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Failed EHR authentications a client address may make per minute before 429 (docs/design.md#authentication). */
const DEFAULT_AUTH_FAILURE_LIMIT_PER_MINUTE = 60;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Bounds on what one request may bring into the audit (docs/design.md#text-boundary). */
function requestBounds(env: Env): Pick<Config, 'maxStringLength' | 'maxNarrativeLength' | 'feedbackMaxItems'> {
  return {
    maxStringLength: parseWith('MAX_STRING_LENGTH', intIn(256, 1_048_576), env.MAX_STRING_LENGTH ?? '8192'),
    maxNarrativeLength: parseWith('MAX_NARRATIVE_LENGTH', intIn(256, 64 * 1_048_576), env.MAX_NARRATIVE_LENGTH ?? '1048576'),
    feedbackMaxItems: parseWith('FEEDBACK_MAX_ITEMS', intIn(1, 10_000), env.FEEDBACK_MAX_ITEMS ?? '50'),
  };
}

const MIB = 1024 * 1024;

/** FHIR reply bounds (docs/design.md#fhir-fallback): per hook call, and per reply within it. */
function fhirByteBounds(env: Env): Pick<Config, 'fhirMaxBytes' | 'fhirMaxReplyBytes'> {
  const fhirMaxBytes = parseWith('FHIR_MAX_BYTES', intIn(64 * 1024, 1024 * MIB), env.FHIR_MAX_BYTES ?? String(20 * MIB));
  const fhirMaxReplyBytes = parseWith(
    'FHIR_MAX_REPLY_BYTES',
    intIn(64 * 1024, 1024 * MIB),
    env.FHIR_MAX_REPLY_BYTES ?? String(Math.min(8 * MIB, fhirMaxBytes)),
  );
  if (fhirMaxReplyBytes > fhirMaxBytes) throw new ConfigError('FHIR_MAX_REPLY_BYTES', 'must not exceed FHIR_MAX_BYTES');
  return { fhirMaxBytes, fhirMaxReplyBytes };
}

/** How long a client may take to send a request, and an idle keep-alive connection may stay open. */
function httpTimeouts(env: Env): Pick<Config, 'httpHeadersTimeoutMs' | 'httpRequestTimeoutMs' | 'httpKeepAliveTimeoutMs'> {
  const httpHeadersTimeoutMs = parseWith('HTTP_HEADERS_TIMEOUT_MS', intIn(100, 600_000), env.HTTP_HEADERS_TIMEOUT_MS ?? '10000');
  const httpRequestTimeoutMs = parseWith('HTTP_REQUEST_TIMEOUT_MS', intIn(100, 3_600_000), env.HTTP_REQUEST_TIMEOUT_MS ?? '30000');
  // Node refuses a headers timeout above the request timeout.
  if (httpHeadersTimeoutMs > httpRequestTimeoutMs)
    throw new ConfigError('HTTP_HEADERS_TIMEOUT_MS', 'must not exceed HTTP_REQUEST_TIMEOUT_MS');
  const httpKeepAliveTimeoutMs = parseWith('HTTP_KEEP_ALIVE_TIMEOUT_MS', intIn(100, 600_000), env.HTTP_KEEP_ALIVE_TIMEOUT_MS ?? '5000');
  return { httpHeadersTimeoutMs, httpRequestTimeoutMs, httpKeepAliveTimeoutMs };
}

/** Bounds on waiting for a PostgreSQL server (docs/design.md#store-bounds). */
function storeBounds(
  env: Env,
): Pick<Config, 'dbStatementTimeoutMs' | 'qcStatementTimeoutMs' | 'dbConnectTimeoutMs' | 'dbPoolAcquireTimeoutMs'> {
  return {
    dbStatementTimeoutMs: parseWith('DB_STATEMENT_TIMEOUT_MS', intIn(100, 600_000), env.DB_STATEMENT_TIMEOUT_MS ?? '5000'),
    qcStatementTimeoutMs: parseWith('QC_STATEMENT_TIMEOUT_MS', intIn(100, 3_600_000), env.QC_STATEMENT_TIMEOUT_MS ?? '120000'),
    dbConnectTimeoutMs: parseWith('DB_CONNECT_TIMEOUT_MS', intIn(100, 600_000), env.DB_CONNECT_TIMEOUT_MS ?? '5000'),
    dbPoolAcquireTimeoutMs: parseWith('DB_POOL_ACQUIRE_TIMEOUT_MS', intIn(100, 600_000), env.DB_POOL_ACQUIRE_TIMEOUT_MS ?? '5000'),
  };
}

/** Parses and freezes the configuration from an environment. Throws ConfigError naming the variable. */
export function loadConfig(env: Env): Config {
  const port = parseWith('PORT', intIn(0, 65535), env.PORT ?? '8080');
  const rawBase = env.PUBLIC_BASE_URL?.trim();
  const publicBaseUrl = parseWith(
    'PUBLIC_BASE_URL',
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    rawBase || `http://localhost:${port}`,
  ).replace(/\/+$/, '');
  // Auth is never off by default once a public base URL is configured (docs/design.md#authentication).
  const authDefault = rawBase ? 'jwt' : 'off';
  const authMode = parseWith('AUTH_MODE', z.enum(['jwt', 'off']), env.AUTH_MODE?.trim() || authDefault);
  // JSON or a file path, docs/policy.md#loading.
  const trustedIssuers = jsonVariable(env, 'TRUSTED_ISSUERS', z.array(trustedIssuerSchema), []);
  if (authMode === 'jwt' && trustedIssuers.length === 0) {
    throw new ConfigError('TRUSTED_ISSUERS', 'AUTH_MODE=jwt needs at least one trusted issuer');
  }
  const qcTokens = jsonVariable(
    env,
    'QC_TOKENS',
    z.record(z.string().min(16, 'QC tokens must be at least 16 characters'), qcTokenSchema),
    {},
    { secretKeys: true },
  );
  const locale = parseWith('LOCALE', z.enum(['zh-CN', 'en']), env.LOCALE?.trim() || 'zh-CN');
  const policy = Object.freeze(jsonVariable(env, 'POLICY_FILE', policySchema, {}, { ignoreKeys: ['$schema'] }));
  const clinicTimeZone = env.CLINIC_TIMEZONE?.trim() || 'Asia/Shanghai';
  if (!isTimeZone(clinicTimeZone)) throw new ConfigError('CLINIC_TIMEZONE', `unknown time zone "${clinicTimeZone}"`);
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl) parseWith('DATABASE_URL', z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'), databaseUrl);
  const metrics = readMetricsConfig(env, port, Boolean(rawBase));
  if (isMetricsConfigIssue(metrics)) throw new ConfigError(metrics.variable, metrics.message);
  const config: Config = {
    port,
    host: env.HOST?.trim() || '0.0.0.0',
    publicBaseUrl,
    publicBaseUrlSet: Boolean(rawBase),
    mrnSystem: env.MRN_SYSTEM?.trim()
      ? parseWith('MRN_SYSTEM', z.string().regex(/^\S+$/, 'an identifier system URI'), env.MRN_SYSTEM.trim())
      : undefined,
    databaseUrl,
    dataDir: env.DATA_DIR?.trim() || './data',
    authMode,
    trustedIssuers,
    qcTokens,
    qcPseudonymSecret: parseWith('QC_PSEUDONYM_SECRET', pseudonymSecretSchema, env.QC_PSEUDONYM_SECRET),
    locale,
    policy,
    noticeDeadlineDays: parseWith('NOTICE_DEADLINE_DAYS', intIn(0, 365), env.NOTICE_DEADLINE_DAYS ?? '7'),
    noticeLinkDays: parseWith('NOTICE_LINK_DAYS', intIn(1, 3650), env.NOTICE_LINK_DAYS ?? '30'),
    noticeViewAddress: parseWith('NOTICE_VIEW_ADDRESS', z.enum(['none', 'prefix', 'full']), env.NOTICE_VIEW_ADDRESS?.trim() || 'none'),
    fhirTimeoutMs: parseWith('FHIR_TIMEOUT_MS', intIn(100, 120_000), env.FHIR_TIMEOUT_MS ?? '3000'),
    clinicTimeZone,
    logLevel: parseWith(
      'LOG_LEVEL',
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
      env.LOG_LEVEL?.trim() || 'info',
    ),
    bodyLimitBytes: parseWith('BODY_LIMIT_BYTES', intIn(1024, 64 * 1024 * 1024), env.BODY_LIMIT_BYTES ?? String(5 * 1024 * 1024)),
    fhirMaxPages: parseWith('FHIR_MAX_PAGES', intIn(1, 1000), env.FHIR_MAX_PAGES ?? '20'),
    rateLimitPerMinute: parseWith('RATE_LIMIT_PER_MINUTE', intIn(0, 10_000_000), env.RATE_LIMIT_PER_MINUTE ?? '0'),
    authFailureLimitPerMinute: parseWith(
      'AUTH_FAILURE_LIMIT_PER_MINUTE',
      intIn(0, 10_000_000),
      env.AUTH_FAILURE_LIMIT_PER_MINUTE ?? String(DEFAULT_AUTH_FAILURE_LIMIT_PER_MINUTE),
    ),
    ...requestBounds(env),
    ...fhirByteBounds(env),
    ...httpTimeouts(env),
    ...storeBounds(env),
    jwksTimeoutMs: parseWith('JWKS_TIMEOUT_MS', intIn(100, 60_000), env.JWKS_TIMEOUT_MS ?? String(JWKS_FETCH_TIMEOUT_MS)),
    ...metrics,
    ...readTlsFiles(env),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
  };
  return deepFreeze(config);
}
