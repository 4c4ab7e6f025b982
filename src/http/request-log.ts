import { performance } from 'node:perf_hooks';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { REQUEST_ID_HEADER, requestIdOf, type RequestIdLocals } from './request-id.js';

/** Per-request facts route handlers put in `res.locals` for the access log. */
export interface RequestLogLocals extends RequestIdLocals {
  serviceId?: string;
  hookInstance?: string;
  errorCode?: string;
}

/** Called once per request when it ends, with its latency in seconds (src/http/metrics-observe.ts). */
export type RequestObserver = (req: Request, res: Response, seconds: number) => void;

/**
 * One log line per request: request id, method, path, status, latency, service id, hookInstance,
 * error code. Never headers, tokens, query strings or bodies. (Latency uses the monotonic clock,
 * not the clinical clock.) Gives the request its id (`X-Request-Id`, src/http/request-id.ts) for
 * every other line of the request (`requestLogger(res, …)`).
 */
export function requestLog(logger: Logger, observe?: RequestObserver): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const locals = res.locals as RequestLogLocals;
    const reqId = requestIdOf(req.headers['x-request-id']);
    locals.reqId = reqId;
    locals.logBase = logger;
    res.setHeader(REQUEST_ID_HEADER, reqId);
    let logged = false;
    const log = (): void => {
      if (logged) return;
      logged = true;
      const seconds = (performance.now() - started) / 1000;
      observe?.(req, res, seconds);
      logger.info(
        {
          reqId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          aborted: !res.writableFinished || undefined,
          latencyMs: Math.round(seconds * 10_000) / 10,
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
