import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config/schema.js';

/**
 * Paths pino removes before writing (shared/DESIGN.md §5: no JWT, access token or bodies in logs).
 * Bodies are never passed to the logger in the first place.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  '*.authorization',
  'access_token',
  '*.access_token',
  '*.*.access_token',
  'fhirAuthorization',
  '*.fhirAuthorization',
];

/** The service logger (JSON lines on stdout, or `destination` in tests). */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    name: 'prenatal-cds',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
