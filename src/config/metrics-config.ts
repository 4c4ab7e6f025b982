import type { Config } from './schema.js';

type Env = Readonly<Record<string, string | undefined>>;

/** What a `/metrics` configuration problem is: the variable and the rule it breaks (never its value). */
export interface MetricsConfigIssue {
  readonly variable: string;
  readonly message: string;
}

/** Shortest METRICS_TOKEN accepted (as QC tokens). */
export const METRICS_TOKEN_MIN_LENGTH = 16;

const TOKEN = /^[\x21-\x7e]+$/;

/**
 * The `/metrics` settings (docs/design.md#metrics): METRICS_TOKEN (a bearer token, ≥ 16 printable
 * ASCII characters), METRICS_PORT (a separate listener, 0–65535, never the service's PORT) bound to
 * METRICS_HOST (default 127.0.0.1). With neither token nor port, `/metrics` is open on the service
 * port in development and not served in production (NODE_ENV=production, or PUBLIC_BASE_URL set).
 * Returns an issue instead of throwing, so src/config/load.ts words the error; never echoes the token.
 */
export function readMetricsConfig(
  env: Env,
  port: number,
  publicBaseUrlSet: boolean,
): Pick<Config, 'metricsToken' | 'metricsPort' | 'metricsHost' | 'metricsProduction'> | MetricsConfigIssue {
  const rawToken = env.METRICS_TOKEN;
  const metricsToken = rawToken === undefined || rawToken.trim() === '' ? undefined : rawToken.trim();
  if (metricsToken !== undefined && !TOKEN.test(metricsToken))
    return { variable: 'METRICS_TOKEN', message: 'must be printable ASCII without spaces (it is sent as a bearer token)' };
  if (metricsToken !== undefined && metricsToken.length < METRICS_TOKEN_MIN_LENGTH)
    return { variable: 'METRICS_TOKEN', message: `must be at least ${METRICS_TOKEN_MIN_LENGTH} characters` };
  const rawPort = env.METRICS_PORT?.trim();
  let metricsPort: number | undefined;
  if (rawPort) {
    metricsPort = /^\d{1,5}$/.test(rawPort) ? Number(rawPort) : Number.NaN;
    if (!(metricsPort >= 0 && metricsPort <= 65535)) return { variable: 'METRICS_PORT', message: 'must be a port number from 0 to 65535' };
    if (metricsPort !== 0 && metricsPort === port) return { variable: 'METRICS_PORT', message: 'must differ from PORT' };
  }
  const metricsHost = env.METRICS_HOST?.trim() || '127.0.0.1';
  if (/\s|\//.test(metricsHost)) return { variable: 'METRICS_HOST', message: 'must be a host name or an IP address' };
  const metricsProduction = env.NODE_ENV?.trim() === 'production' || publicBaseUrlSet;
  return { metricsToken, metricsPort, metricsHost, metricsProduction };
}

export function isMetricsConfigIssue(v: object): v is MetricsConfigIssue {
  return 'variable' in v;
}
