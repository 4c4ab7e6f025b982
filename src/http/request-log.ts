import { performance } from 'node:perf_hooks';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

/** Per-request facts route handlers put in `res.locals` for the access log. */
export interface RequestLogLocals {
  serviceId?: string;
  hookInstance?: string;
  errorCode?: string;
}

/**
 * One log line per request: method, path, status, latency, service id, hookInstance, error code.
 * Never headers, tokens, query strings or bodies. (Latency uses the monotonic clock, not the
 * clinical clock.)
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    let logged = false;
    const log = (): void => {
      if (logged) return;
      logged = true;
      const locals = res.locals as RequestLogLocals;
      logger.info(
        {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          aborted: !res.writableFinished || undefined,
          latencyMs: Math.round((performance.now() - started) * 10) / 10,
          serviceId: locals.serviceId,
          hookInstance: locals.hookInstance,
          errorCode: locals.errorCode,
        },
        'request',
      );
    };
    res.on('finish', log);
    res.on('close', log);
    next();
  };
}

/** Records `hookInstance` (if the body has a plausible one) for the access log. */
export function noteHookInstance(locals: RequestLogLocals, body: unknown): void {
  if (body && typeof body === 'object' && 'hookInstance' in body && typeof body.hookInstance === 'string') {
    locals.hookInstance = body.hookInstance.slice(0, 100);
  }
}
