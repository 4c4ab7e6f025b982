import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { AppError, operationOutcome } from '../errors/app-error.js';
import type { ErrorCode } from '../errors/catalogue.js';
import { createLogDedup } from '../log-dedup.js';
import { requestLogger } from './request-id.js';

/** Sends a catalogue error as an OperationOutcome (https://hl7.org/fhir/R4/operationoutcome.html). */
export function sendOutcome(res: Response, error: AppError): void {
  // 401 never says why (docs/design.md#errors): the details stay in the server log.
  const details = error.code === 'unauthorized' ? [] : error.details;
  res.status(error.status).type('application/fhir+json').json(operationOutcome(error.code, details));
}

/** 405 with an `Allow` header, for a path that exists but not with this method. */
export function methodNotAllowed(allow: readonly string[]): RequestHandler {
  const header = allow.join(', ');
  return (_req, res) => {
    res.setHeader('Allow', header);
    throw new AppError('method-not-allowed', [{ message: `allowed: ${header}` }]);
  };
}

/** 404 for any path we do not serve. */
export const notFound: RequestHandler = () => {
  throw new AppError('not-found');
};

/** Errors express itself raises before our handlers run (e.g. an undecodable path parameter). */
function frameworkClientError(err: unknown): ErrorCode | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const status = (err as { status?: unknown }).status;
  if (status === 400) return 'not-found';
  return undefined;
}

/**
 * The last middleware: an AppError becomes its status and OperationOutcome; anything else is a bug
 * — logged with its stack server-side, answered with a bare 500 `internal-error`. Repeated
 * identical `store-unavailable` errors are logged once per interval with a count (src/log-dedup.ts).
 */
export function errorHandler(logger: Logger, nowMs: () => number = () => performance.now()): ErrorRequestHandler {
  const dedup = createLogDedup({ nowMs });
  return (err, _req, res, next) => {
    // The request's logger: every line carries its `reqId` (docs/design.md#logging).
    const log = (): Logger => requestLogger(res, logger);
    if (res.headersSent) {
      log().error({ err }, 'error after the response started');
      next(err);
      return;
    }
    if (err instanceof AppError) {
      res.locals.errorCode = err.code;
      if (err.code === 'store-unavailable') {
        const verdict = dedup(`${err.code}|${causeName(driverCause(err)) ?? ''}`);
        if (verdict.log) log().error({ err, code: err.code, repeated: verdict.repeated }, err.message);
      } else if (err.status >= 500) log().error({ err, code: err.code }, err.message);
      else log().debug({ code: err.code, details: err.details, cause: causeName(err.cause) }, 'request refused');
      sendOutcome(res, err);
      return;
    }
    const framework = frameworkClientError(err);
    if (framework) {
      res.locals.errorCode = framework;
      sendOutcome(res, new AppError(framework));
      return;
    }
    res.locals.errorCode = 'internal-error';
    log().error({ err }, 'unhandled error');
    sendOutcome(res, new AppError('internal-error'));
  };
}

/** The failure under an AppError and the AppErrors wrapping it (e.g. /readyz wraps the store's own 503). */
function driverCause(err: AppError): unknown {
  let cause: unknown = err.cause;
  while (cause instanceof AppError) cause = cause.cause;
  return cause;
}

function causeName(cause: unknown): string | undefined {
  if (cause instanceof Error) return `${cause.name}${'code' in cause ? ` (${String(cause.code)})` : ''}`;
  return undefined;
}
