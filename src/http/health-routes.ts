import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';
import type { AppDeps } from '../ports.js';

/** How long `/readyz` waits for the store before it answers 503 (a hanging store is not ready). */
export const READY_TIMEOUT_MS = 2_000;

/** `GET /healthz` — liveness: the process answers HTTP. Never touches the store. */
export const healthzHandler: RequestHandler = (_req, res) => {
  res.status(200).set('Cache-Control', 'no-store').json({ status: 'ok' });
};

/**
 * `GET /readyz` — readiness: the configuration is loaded (the app exists) and `deps.ready()`
 * resolves within {@link READY_TIMEOUT_MS}; otherwise 503 `store-unavailable`. No details leak.
 * With the composed store, ready means the last store write succeeded, or the probe's own write
 * does now (docs/design.md#readiness).
 */
export function readyzHandler(ready: AppDeps['ready'], timeoutMs = READY_TIMEOUT_MS): RequestHandler {
  return async (_req, res) => {
    if (ready) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error('readiness check timed out')), timeoutMs);
      });
      try {
        await Promise.race([ready(), timeout]);
      } catch (cause) {
        throw new AppError('store-unavailable', [], { cause });
      } finally {
        clearTimeout(timer);
      }
    }
    res.status(200).set('Cache-Control', 'no-store').json({ status: 'ready' });
  };
}
