// The express baselines' one start-up (express, express+jose, durable echo): express 5 with
// express.json (the service's body limit and media types), an empty discovery, and a hook route that
// authorises (401), touches the request as a service would (400), persists it (503), then answers
// the fixed card; listening on PORT on loopback, announcing the port, exiting cleanly on a signal.
import process from 'node:process';
import express from 'express';
import { exitOnSignal, FIXED_CARDS, touch } from './fixed-card.mjs';

const outcome = (res, status) => res.status(status).json({ resourceType: 'OperationOutcome' });

/**
 * Starts a baseline. `authorize(req)` (optional) resolves false to refuse the call; `persist(req)`
 * (optional) stores it before the answer and throws when it cannot.
 */
export function listenExpressBaseline({ authorize, persist } = {}) {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(express.json({ limit: '5mb', type: ['application/json', 'application/fhir+json'] }));
  app.get('/cds-services', (_req, res) => {
    res.json({ services: [] });
  });
  app.post('/cds-services/:id', async (req, res) => {
    if (authorize && !(await authorize(req))) return outcome(res, 401);
    if (!touch(req.body)) return outcome(res, 400);
    if (persist) {
      try {
        await persist(req);
      } catch {
        return outcome(res, 503);
      }
    }
    res.type('application/json').send(FIXED_CARDS);
  });
  const server = app.listen(Number(process.env.PORT), '127.0.0.1');
  exitOnSignal(server);
  return server;
}
