import { destination as pinoDestination, pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config/schema.js';

/**
 * Paths pino removes before writing (docs/design.md#logging: no JWT, access token or bodies in logs).
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

/** Largest single write to stdout (pino's default is 16 KiB). */
export const STDOUT_MAX_WRITE_BYTES = 256 * 1024;
/** Most log text held while stdout is not keeping up; lines past it are dropped and counted. */
export const STDOUT_MAX_BACKLOG_BYTES = 32 * 1024 * 1024;

/**
 * Stdout as pino writes it: asynchronous, but bounded. pino's default destination writes one 16 KiB
 * chunk per event-loop turn; under sustained load (long turns)
 * that is less than the service logs, and the backlog grew in memory for as long as the load
 * lasted. Larger writes drain a turn's lines at once, and `maxLength` caps
 * the backlog when stdout itself stalls (a stuck log collector): lines past it are dropped and
 * counted, never held without bound, and the count is logged once the backlog has drained.
 */
export function boundedDestination(fd = 1, maxBacklog = STDOUT_MAX_BACKLOG_BYTES): { stream: DestinationStream; dropped: () => number } {
  const stream = pinoDestination({ dest: fd, sync: false, maxWrite: STDOUT_MAX_WRITE_BYTES, maxLength: maxBacklog });
  let dropped = 0;
  let total = 0;
  stream.on('drop', () => {
    dropped += 1;
    total += 1;
  });
  // 'drain' fires once the backlog is written out: there is room again for the report.
  stream.on('drain', () => {
    if (dropped === 0) return;
    const n = dropped;
    dropped = 0;
    stream.write(
      `${JSON.stringify({ level: 40, time: Date.now(), name: 'prenatal-cds', droppedLines: n, msg: 'log backlog was full: lines dropped' })}\n`,
    );
  });
  return { stream, dropped: () => total };
}

/** The service logger (JSON lines on stdout through `boundedDestination`, or `destination` in tests). */
export function createLogger(config: Pick<Config, 'logLevel'>, destination: DestinationStream = boundedDestination().stream): Logger {
  const options = {
    level: config.logLevel,
    name: 'prenatal-cds',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return pino(options, destination);
}
