import { AppError } from '../errors/app-error.js';

/** Media types a CDS Hooks request may use (docs/design.md#contract). */
export const ACCEPTED_MEDIA_TYPES = ['application/json', 'application/fhir+json'] as const;

/**
 * Checks a `Content-Type` header: `application/json` or `application/fhir+json`, optional
 * parameters; a `charset` parameter, if any, must be UTF-8 (RFC 8259 §8.1). Throws 415 otherwise.
 */
export function assertJsonMediaType(header: string | undefined): void {
  if (!header) throw new AppError('unsupported-media-type', [{ message: 'Content-Type is missing' }]);
  const [type = '', ...params] = header.split(';');
  const mediaType = type.trim().toLowerCase();
  if (!(ACCEPTED_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
    throw new AppError('unsupported-media-type', [{ message: 'Content-Type must be application/json or application/fhir+json' }]);
  }
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const name = p.slice(0, eq).trim().toLowerCase();
    const value = p
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
    if (name === 'charset' && value !== 'utf-8' && value !== 'utf8') {
      throw new AppError('unsupported-media-type', [{ message: 'charset must be utf-8' }]);
    }
  }
}
