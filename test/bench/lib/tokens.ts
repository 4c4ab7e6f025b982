import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export const BENCH_ISS = 'https://ehr.bench.local/oauth';
/** PUBLIC_BASE_URL of the service under test: decides the JWT `aud`. */
export const BENCH_BASE = 'https://cds.bench.local';

export interface BenchKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly jwks: { keys: JWK[] };
}

export async function makeBenchKey(): Promise<BenchKey> {
  const kid = 'bench-es384';
  const { privateKey, publicKey } = await generateKeyPair('ES384');
  return { kid, privateKey, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES384', use: 'sig' }] } };
}

/** TRUSTED_ISSUERS for the service: inline JWKS, the loopback FHIR servers allowed. */
export function trustedIssuers(key: BenchKey): string {
  return JSON.stringify([{ iss: BENCH_ISS, jwks: key.jwks, fhirServers: ['https://ehr.example.cn/fhir', 'http://127.0.0.1'] }]);
}

/**
 * `count` fresh ES384 CDS Hooks JWTs (distinct jti) for the service endpoint `serviceId`, signed
 * before the run in batches (WebCrypto signs on the thread pool, ~1,500/s on 2 cores).
 */
export async function signTokens(key: BenchKey, serviceId: string, count: number): Promise<string[]> {
  const out: string[] = [];
  const aud = `${BENCH_BASE}/cds-services/${serviceId}`;
  const iat = Math.floor(Date.now() / 1000);
  for (let i = 0; i < count; i += 256) {
    const n = Math.min(256, count - i);
    out.push(
      ...(await Promise.all(
        Array.from({ length: n }, () =>
          new SignJWT({ iss: BENCH_ISS, sub: 'bench-ehr', aud, iat, exp: iat + 300, jti: randomUUID() })
            .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: key.kid })
            .sign(key.privateKey),
        ),
      )),
    );
  }
  return out;
}
