import type { Logger } from 'pino';
import { AppError } from '../errors/app-error.js';
import type { AuthContext } from '../ports.js';
import { isAllowedFhirServer } from './fhir-server-allow-list.js';

/**
 * The second half of EHR authentication, once the body is parsed (docs/design.md#authentication):
 * the hook request's `fhirServer` must lie under one of the verified issuer's `fhirServers`
 * (our SSRF guard). The token was verified — and its `jti` consumed — from the headers before the
 * body was read; this check only needs the body. No `fhirServer`: nothing will be fetched, nothing
 * to check. AUTH_MODE=off (no `fhirServers` in the context): not checked. A refusal is 401
 * `unauthorized` like any other, its reason logged at `info` with iss/jti only.
 */
export function authorizeFhirServer(auth: AuthContext, fhirServer: string | undefined, logger: Logger): void {
  if (auth.fhirServers === undefined || fhirServer === undefined) return;
  if (isAllowedFhirServer(fhirServer, auth.fhirServers)) return;
  const reason = 'fhir-server-not-allowed';
  logger.info({ reason, iss: auth.issuer, ...(auth.jti !== undefined ? { jti: auth.jti } : {}) }, 'EHR JWT rejected');
  throw new AppError('unauthorized', [{ message: reason }]);
}
