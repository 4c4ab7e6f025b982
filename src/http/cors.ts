import type { RequestHandler } from 'express';

/**
 * CORS for browser-based CDS clients (https://cds-hooks.hl7.org/2.0/#cross-origin-resource-sharing):
 * any origin may call the CDS endpoints — access is granted by the JWT in `Authorization`, never by
 * cookies, so no credentials mode is offered. Preflight `OPTIONS` answers 204.
 */
export function cors(): RequestHandler {
  return (req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'Allow, X-Request-Id');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Content-Encoding, Accept, X-Request-Id');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}
