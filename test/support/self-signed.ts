import { execFileSync } from 'node:child_process';

/**
 * A self-signed P-256 certificate and its key, made by openssl for two days (the TLS tests and the
 * deployment walk): `subjectAltName` as given, e.g. `DNS:localhost,IP:127.0.0.1`.
 */
export function selfSignedCertificate(o: { commonName: string; subjectAltName: string; keyFile: string; certFile: string }): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${o.commonName}`,
      '-addext',
      `subjectAltName=${o.subjectAltName}`,
      '-keyout',
      o.keyFile,
      '-out',
      o.certFile,
    ],
    { stdio: 'ignore' },
  );
}
