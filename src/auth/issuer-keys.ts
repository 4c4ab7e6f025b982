import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { TrustedIssuer } from '../config/schema.js';
import { AuthRejection } from './auth-failure.js';
import { createRemoteJwks, type RemoteJwksOptions } from './remote-jwks.js';

/** A trusted issuer (TRUSTED_ISSUERS, docs/design.md#authentication) with its key resolver, built once at start. */
export interface IssuerKeys {
  readonly issuer: TrustedIssuer;
  readonly getKey: JWTVerifyGetKey;
}

/** Errors that mean "no such key" or "not this kind of token" rather than "keys unavailable". */
const isKeySelectionError = (err: unknown): boolean =>
  err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys || err instanceof errors.JOSENotSupported;

/**
 * Builds the key resolver of one issuer: the inline `jwks` (jose `createLocalJWKSet`, validated
 * now so a bad configuration fails at start) or the remote `jwksUrl` (see createRemoteJwks). Any
 * failure to obtain keys (network, timeout, non-200, bad JSON) becomes `jwks-unavailable`.
 */
export function createIssuerKeys(issuer: TrustedIssuer, remote: RemoteJwksOptions): IssuerKeys {
  const resolve: JWTVerifyGetKey = issuer.jwks
    ? createLocalJWKSet(issuer.jwks as unknown as JSONWebKeySet)
    : createRemoteJwks(new URL(issuer.jwksUrl ?? ''), remote);
  const getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await resolve(header, token);
    } catch (err) {
      if (isKeySelectionError(err)) throw err;
      throw new AuthRejection('jwks-unavailable', { cause: err });
    }
  };
  return { issuer, getKey };
}

/** Same URL after WHATWG normalisation (the only `jku` we tolerate is the configured `jwksUrl`). */
export function isSameUrl(a: string, b: string | undefined): boolean {
  if (b === undefined) return false;
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}
