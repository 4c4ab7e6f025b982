import { isIP } from 'node:net';
import { ConfigError } from './config-error.js';

/**
 * TRUST_PROXY (docs/design.md#trust-proxy): which peers' `X-Forwarded-For` / `X-Forwarded-Proto`
 * express believes (its `trust proxy` setting), and so what `req.ip` and `req.protocol` are:
 * `false` — none, the default; `true` — every peer; a hop count; or the proxies' addresses.
 */
export type TrustProxy = boolean | number | readonly string[];

/** Named address ranges express knows (proxy-addr's presets). */
const PRESETS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Largest hop count accepted (more proxies in a row than this is a misconfiguration). */
const MAX_HOPS = 32;

/**
 * Parses TRUST_PROXY: blank or `false` → false; `true`; a hop count (0–32; 0 = false); or a
 * comma-separated list of `loopback`, `linklocal`, `uniquelocal`, IP addresses and CIDR ranges
 * (`10.0.0.0/8`, `fd00::/8`). Throws ConfigError naming the variable and the entry that breaks the rule.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const v = raw?.trim() ?? '';
  if (v === '' || v.toLowerCase() === 'false') return false;
  if (v.toLowerCase() === 'true') return true;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops > MAX_HOPS) throw new ConfigError('TRUST_PROXY', `a hop count must be from 0 to ${MAX_HOPS}`);
    return hops === 0 ? false : hops;
  }
  const entries = v.split(',').map((e) => e.trim());
  const bad = entries.find((e) => !isTrustEntry(e));
  if (bad !== undefined)
    throw new ConfigError(
      'TRUST_PROXY',
      `"${bad.slice(0, 64)}" is not loopback, linklocal, uniquelocal, an IP address or a CIDR range (true, false, a hop count, or a comma-separated list)`,
    );
  return Object.freeze(entries);
}

function isTrustEntry(entry: string): boolean {
  if (PRESETS.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
