import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import type { Logger } from 'pino';

/**
 * Request ids (docs/design.md#logging): every request has one, answered in `X-Request-Id` and
 * written as `reqId` on every log line of the request. An incoming `X-Request-Id` (a proxy's, an
 * EHR's) is kept when it is a safe token — at most 128 characters of `[A-Za-z0-9._:-]`, nothing a
 * log reader could mistake for structure — otherwise a fresh UUID replaces it.
 */
export const REQUEST_ID_HEADER = 'X-Request-Id';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id: the incoming header if it is safe, else a new UUID. */
export function requestIdOf(incoming: string | readonly string[] | undefined): string {
  return typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : randomUUID();
}

/** What src/http/request-log.ts keeps in `res.locals` for the request's logger. */
export interface RequestIdLocals {
  reqId?: string;
  /** The app's logger, for the child made on first use. */
  logBase?: Logger;
  /** The app's logger bound with `reqId` (made the first time a line of the request is logged). */
  log?: Logger;
}

/**
 * The logger of the request behind `res`: a pino child bound with `reqId`, made once per request
 * and only when something logs. `fallback` serves a response the request log never saw.
 */
export function requestLogger(res: Response, fallback: Logger): Logger {
  const locals = res.locals as RequestIdLocals | undefined;
  if (locals?.reqId === undefined) return fallback;
  if (locals.log) return locals.log;
  locals.log = (locals.logBase ?? fallback).child({ reqId: locals.reqId });
  return locals.log;
}
