// Baselines 2 and 3: express 5 with express.json (same body limit and media types as the service);
// with BENCH_JWKS set, also verifies the ES384 CDS Hooks JWT with jose (same claims checks) and a jti set.
import process from 'node:process';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { listenExpressBaseline } from './express-baseline.mjs';

const jwks = process.env.BENCH_JWKS ? createLocalJWKSet(JSON.parse(process.env.BENCH_JWKS)) : undefined;
const iss = process.env.BENCH_ISS;
const audBase = process.env.BENCH_AUD_BASE;
const seen = new Set();

/** The service's token checks: ES384, issuer, audience of the service, required claims, age, no replayed jti. */
async function authorize(req) {
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
    if (seen.has(payload.jti)) return false;
    seen.add(payload.jti);
    return true;
  } catch {
    return false;
  }
}

listenExpressBaseline(jwks ? { authorize } : {});
