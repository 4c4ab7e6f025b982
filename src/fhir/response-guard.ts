/**
 * The `fetch` handed to MedplumClient (its `fetch` option, https://www.medplum.com/docs/sdk/core.medplumclientoptions.fetch).
 *
 * MedplumClient turns every non-2xx answer into an OperationOutcomeError that no longer carries the
 * HTTP status, calls its own login/refresh path on 401, and prints malformed JSON (whose parser
 * message quotes the body) to the console. For a CDS service calling an EHR's FHIR server we need
 * the status as data, no auth side effects, and no body content in any log. So this wrapper reads
 * the whole body first (a truncated body fails here), checks that it is JSON, and throws a typed
 * {@link FhirFetchError} for non-2xx / redirect / truncated / malformed answers. MedplumClient only
 * ever sees a complete JSON response, which it parses and returns as usual.
 */

/** Why a FHIR read failed (a code, never body content). */
export type FhirFailureReason =
  | 'http-status'
  | 'timeout'
  | 'aborted'
  | 'network'
  | 'truncated-body'
  | 'malformed-json'
  | 'not-fhir'
  | 'malformed-resource'
  | 'operation-outcome'
  | 'blocked-url'
  | 'invalid-fhir-server';

/** An expected failure of one HTTP exchange with the FHIR server, as a typed error. */
export class FhirFetchError extends Error {
  readonly reason: FhirFailureReason;
  readonly status: number | undefined;
  constructor(reason: FhirFailureReason, status?: number) {
    super(status === undefined ? reason : `${reason} ${status}`);
    this.name = 'FhirFetchError';
    this.reason = reason;
    this.status = status;
  }
}

/** The subset of `fetch` MedplumClient calls (its `FetchLike`). */
export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** Wraps `inner` so only complete, well-formed 2xx JSON responses reach MedplumClient. */
export function guardFhirResponses(inner: FetchLike): FetchLike {
  return async (url, init) => {
    // Redirects are not followed: a redirect could lead off the FHIR server (SSRF) with our token.
    const res = await inner(url, { ...init, redirect: 'manual' });
    if (res.status < 200 || res.status >= 300) {
      await res.body?.cancel().catch(() => undefined);
      throw new FhirFetchError('http-status', res.status);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      if (init?.signal?.aborted) throw err;
      throw new FhirFetchError('truncated-body', res.status);
    }
    try {
      JSON.parse(text);
    } catch {
      throw new FhirFetchError('malformed-json', res.status);
    }
    return new Response(text, { status: res.status, headers: { 'content-type': 'application/fhir+json' } });
  };
}
