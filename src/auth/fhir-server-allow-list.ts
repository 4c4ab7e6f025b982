/**
 * The `fhirServer` allow-list check, which is also our SSRF guard: the service only ever calls a
 * FHIR server that the verified issuer is configured for (docs/design.md#authentication;
 * https://cds-hooks.hl7.org/2.0/#trusting-cds-clients). Pure; URLs are compared parsed, never as
 * raw string prefixes.
 */

const MAX_URL_LENGTH = 2048;
/** Whitespace, control characters and backslashes: parsers disagree about them, so refuse. */
const hasUnsafeChars = (raw: string): boolean =>
  /[\s\\]/.test(raw) || [...raw].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
/** Encoded slash, backslash or dot in the path: a server may decode them into traversal. */
const ENCODED_TRAVERSAL = /%2f|%5c|%2e/i;

/** Parses an http(s) base URL with no userinfo, query or fragment; `undefined` if it is anything else. */
function parseServerUrl(raw: string): URL | undefined {
  if (raw.length > MAX_URL_LENGTH || hasUnsafeChars(raw)) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  if (url.search !== '' || url.hash !== '') return undefined;
  if (ENCODED_TRAVERSAL.test(url.pathname)) return undefined;
  return url;
}

const withSlash = (path: string): string => (path.endsWith('/') ? path : `${path}/`);

/**
 * True when `url` is under one of `prefixes`: same scheme, host and (normalised) port, and a path
 * that starts with the prefix path taken as a directory (`/fhir` ⇒ `/fhir/`, so `/fhir-evil` does
 * not match). URLs with userinfo (`https://ehr.example@evil/`), non-http(s) schemes, queries,
 * fragments or encoded traversal never match; an empty list allows nothing.
 */
export function isAllowedFhirServer(url: string, prefixes: readonly string[]): boolean {
  const candidate = parseServerUrl(url);
  if (candidate === undefined) return false;
  const path = withSlash(candidate.pathname);
  return prefixes.some((raw) => {
    const prefix = parseServerUrl(raw);
    return (
      prefix !== undefined &&
      prefix.protocol === candidate.protocol &&
      prefix.hostname === candidate.hostname &&
      prefix.port === candidate.port &&
      path.startsWith(withSlash(prefix.pathname))
    );
  });
}
