/**
 * Fixed limits of EHR JWT authentication (docs/design.md#authentication; CDS Hooks 2.0 "Trusting CDS
 * Clients", https://cds-hooks.hl7.org/2.0/#trusting-cds-clients). Exported so tests and docs
 * refer to the same numbers the code enforces.
 */

/** Asymmetric signature algorithms only: never `none`, never HS* (a shared secret is not a client identity). */
export const ALLOWED_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const;
export type AllowedAlgorithm = (typeof ALLOWED_ALGORITHMS)[number];

/** Claims every token must carry (jose accepts tokens without `exp`, `iat` or `jti` unless told). */
export const REQUIRED_CLAIMS = ['iss', 'aud', 'exp', 'iat', 'jti'] as const;
export type RequiredClaim = (typeof REQUIRED_CLAIMS)[number];

/** Accepted clock skew between the EHR and us, seconds (applies to `exp`, `nbf`, `iat`). */
export const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Maximum token age (`now - iat`), seconds. The spec recommends short-lived tokens (the sandbox
 * issues 5 minutes); this also bounds how long a `jti` must be remembered whatever `exp` says.
 */
export const MAX_TOKEN_AGE_SECONDS = 300;

/** Longest Authorization token we decode at all. */
export const MAX_TOKEN_LENGTH = 8192;

/** Longest `jti` we accept (it becomes a replay-cache key). */
export const MAX_JTI_LENGTH = 256;

/**
 * Default timeout of one JWKS fetch, ms (`JWKS_TIMEOUT_MS`): a slow endpoint fails the request,
 * never hangs it. With no keys cached yet the caller waits for this fetch, so it is short.
 */
export const JWKS_FETCH_TIMEOUT_MS = 1000;

/** Minimum time between JWKS fetches triggered by an unknown `kid`, and after a failed fetch, ms. */
export const JWKS_COOLDOWN_MS = 30_000;

/** Age after which cached keys are refreshed in the background (requests keep using the cache), ms. */
export const JWKS_REFRESH_AFTER_MS = 300_000;

/** Default capacity of the in-memory replay cache (entries live at most MAX_TOKEN_AGE + 2×tolerance). */
export const DEFAULT_REPLAY_CACHE_SIZE = 100_000;
