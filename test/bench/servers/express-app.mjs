// Baselines 2 and 3: express 5 with express.json (same body limit and media types as the service);
// with BENCH_JWKS set, also verifies the ES384 CDS Hooks JWT with jose (same claims checks) and a jti set.
import process from 'node:process';
import express from 'express';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { exitOnSignal, FIXED_CARDS, touch } from './fixed-card.mjs';

const jwks = process.env.BENCH_JWKS ? createLocalJWKSet(JSON.parse(process.env.BENCH_JWKS)) : undefined;
const iss = process.env.BENCH_ISS;
const audBase = process.env.BENCH_AUD_BASE;
const seen = new Set();

const app = express();
app.disable('x-powered-by');
app.disable('etag');
app.use(express.json({ limit: '5mb', type: ['application/json', 'application/fhir+json'] }));
app.get('/cds-services', (_req, res) => {
  res.json({ services: [] });
});
app.post('/cds-services/:id', async (req, res) => {
  if (jwks) {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    try {
      const { payload } = await jwtVerify(token, jwks, {
        algorithms: ['ES384'],
        issuer: iss,
        audience: `${audBase}/cds-services/${req.params.id}`,
        requiredClaims: ['iss', 'aud', 'exp', 'iat', 'jti'],
        clockTolerance: 30,
        maxTokenAge: 300,
      });
      if (seen.has(payload.jti)) throw new Error('replayed');
      seen.add(payload.jti);
    } catch {
      res.status(401).json({ resourceType: 'OperationOutcome' });
      return;
    }
  }
  if (!touch(req.body)) {
    res.status(400).json({ resourceType: 'OperationOutcome' });
    return;
  }
  res.type('application/json').send(FIXED_CARDS);
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
exitOnSignal(server);
