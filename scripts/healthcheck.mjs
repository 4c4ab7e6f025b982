/**
 * The container's HEALTHCHECK (docs/deploy.md#health): `GET /readyz` on this process's own listener,
 * exit 0 when it answers 200, 1 otherwise. Node only (the slim image has no curl). Reads the
 * service's own variables: PORT (8080), HOST (a wildcard address means loopback) and, with
 * TLS_CERT_FILE set, HTTPS (the certificate is for the public name, not for loopback, so it is not
 * verified here).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import process from 'node:process';

const TIMEOUT_MS = 4000;
const port = Number(process.env.PORT?.trim() || 8080);
const configuredHost = process.env.HOST?.trim() || '0.0.0.0';
const host = configuredHost === '0.0.0.0' || configuredHost === '::' ? '127.0.0.1' : configuredHost;
const tls = Boolean(process.env.TLS_CERT_FILE?.trim());
const request = tls ? httpsRequest : httpRequest;

const req = request(
  { host, port, path: '/readyz', method: 'GET', timeout: TIMEOUT_MS, ...(tls ? { rejectUnauthorized: false } : {}) },
  (res) => {
    res.resume();
    process.stderr.write(`readyz: ${res.statusCode}\n`);
    process.exit(res.statusCode === 200 ? 0 : 1);
  },
);
req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
req.on('error', (err) => {
  process.stderr.write(`readyz: ${err.message}\n`);
  process.exit(1);
});
req.end();
