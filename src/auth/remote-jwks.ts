import { createRemoteJWKSet, customFetch, type FetchImplementation, type JWTVerifyGetKey } from 'jose';

export interface RemoteJwksOptions {
  /** Timeout of one fetch, ms (jose `timeoutDuration`): a hanging endpoint fails, never hangs us. */
  readonly timeoutMs: number;
  /** Minimum gap between fetches for an unknown `kid` (jose `cooldownDuration`) and after a failure, ms. */
  readonly cooldownMs: number;
  /** Cache age after which a request starts a background refresh, ms. */
  readonly refreshAfterMs: number;
  /** Clock in ms (injected; drives refresh and failure back-off). */
  readonly nowMs: () => number;
  /** Told about failed background refreshes (the cached keys stay in use). */
  readonly onRefreshError: (err: unknown) => void;
}

/** A fetch refused locally because the last one failed less than `cooldownMs` ago. */
export class JwksBackoffError extends Error {
  constructor() {
    super('JWKS fetch suppressed: last attempt failed within the cooldown');
    this.name = 'JwksBackoffError';
  }
}

/**
 * A JWKS resolver for an issuer's `jwksUrl`, built on jose `createRemoteJWKSet`
 * (https://github.com/panva/jose/blob/main/docs/jwks/remote/functions/createRemoteJWKSet.md) with
 * stale-while-revalidate: jose's own cache never expires (`cacheMaxAge: Infinity`), so cached keys
 * keep working while the endpoint is down or slow; once the cache is older than `refreshAfterMs` a
 * request triggers a background `reload()` whose result replaces the keys (removed keys stop
 * verifying). An unknown `kid` makes jose refetch, at most once per `cooldownMs`; a failed fetch
 * also starts a back-off so hostile random `kid`s cannot hammer a failing endpoint. Redirects are
 * not followed (jose uses `redirect: 'manual'`).
 */
export function createRemoteJwks(url: URL, opts: RemoteJwksOptions): JWTVerifyGetKey {
  let lastAttemptMs = Number.NEGATIVE_INFINITY;
  let lastFailureMs = Number.NEGATIVE_INFINITY;

  const guardedFetch: FetchImplementation = async (href, init) => {
    const now = opts.nowMs();
    if (now - lastFailureMs < opts.cooldownMs) throw new JwksBackoffError();
    lastAttemptMs = now;
    try {
      const response = await fetch(href, init);
      if (response.status !== 200) lastFailureMs = opts.nowMs();
      return response;
    } catch (err) {
      lastFailureMs = opts.nowMs();
      throw err;
    }
  };

  const remote = createRemoteJWKSet(url, {
    timeoutDuration: opts.timeoutMs,
    cooldownDuration: opts.cooldownMs,
    cacheMaxAge: Number.POSITIVE_INFINITY,
    [customFetch]: guardedFetch,
  });

  return async (header, token) => {
    const cached = remote.jwks() !== undefined;
    if (cached && !remote.reloading && opts.nowMs() - lastAttemptMs >= opts.refreshAfterMs) {
      remote.reload().catch(opts.onRefreshError);
    }
    return remote(header, token);
  };
}
