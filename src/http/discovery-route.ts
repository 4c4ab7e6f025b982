import type { RequestHandler } from 'express';
import type { DiscoveryDocument } from '../cds-hooks/discovery.js';

/** `GET /cds-services` (https://cds-hooks.hl7.org/2.0/#discovery): the document, built once. */
export function discoveryHandler(doc: DiscoveryDocument): RequestHandler {
  const body = JSON.stringify(doc);
  return (_req, res) => {
    res.type('application/json').send(body);
  };
}
