import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from './config-error.js';

type Env = Readonly<Record<string, string | undefined>>;

/** TLS_CERT_FILE and TLS_KEY_FILE: the PEM files of native TLS (docs/design.md#tls). */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** The certificate (chain) and private key the listeners are given; never logged nor kept in `Config`. */
export interface TlsCredentials {
  readonly cert: string;
  readonly key: string;
}

/** A PEM file larger than this is not a certificate chain or a key. */
const MAX_PEM_BYTES = 1024 * 1024;

/**
 * Reads TLS_CERT_FILE / TLS_KEY_FILE (docs/design.md#tls): both or neither; one alone is a start
 * error naming both variables. Only the paths are kept in the configuration — the command line,
 * which reads the same configuration, never needs the key's file to be readable.
 */
export function readTlsFiles(env: Env): { readonly tls: TlsFiles | undefined } {
  const certFile = env.TLS_CERT_FILE?.trim() || undefined;
  const keyFile = env.TLS_KEY_FILE?.trim() || undefined;
  if (certFile && !keyFile) throw new ConfigError('TLS_KEY_FILE', 'is required with TLS_CERT_FILE (set both or neither)');
  if (keyFile && !certFile) throw new ConfigError('TLS_CERT_FILE', 'is required with TLS_KEY_FILE (set both or neither)');
  return { tls: certFile && keyFile ? { certFile, keyFile } : undefined };
}

/**
 * Reads and checks the PEM files at start (src/main.ts): the certificate parses, the key is an
 * unencrypted private key, and it is the certificate's key. Each problem is a ConfigError naming
 * the variable and the path and the rule broken — never the files' content.
 */
export function loadTlsCredentials(files: TlsFiles): TlsCredentials {
  const cert = readPem('TLS_CERT_FILE', files.certFile);
  const key = readPem('TLS_KEY_FILE', files.keyFile);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new ConfigError('TLS_CERT_FILE', `file ${files.certFile} holds no PEM certificate`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new ConfigError('TLS_KEY_FILE', `file ${files.keyFile} holds no unencrypted PEM private key`);
  }
  if (!x509.checkPrivateKey(privateKey))
    throw new ConfigError('TLS_KEY_FILE', `file ${files.keyFile} is not the key of the certificate in TLS_CERT_FILE`);
  return { cert, key };
}

function readPem(variable: string, file: string): string {
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new ConfigError(variable, `${file} is a directory, not a PEM file`);
    if (stat.size > MAX_PEM_BYTES) throw new ConfigError(variable, `file ${file} is larger than 1 MiB, not a PEM file`);
    return readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ConfigError(variable, `file ${file} not found`);
    throw new ConfigError(variable, `file ${file} cannot be read (${code})`);
  }
}
