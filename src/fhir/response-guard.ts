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
 *
 * The body is streamed under two bounds (docs/design.md#fhir-fallback): `maxReplyBytes` per reply
 * and a {@link ByteBudget} shared by every read of one hook call (pages included). The chunk that
 * would cross either bound is not kept: the stream is cancelled (the connection is dropped) and the
 * read fails with `too-large`, so a server streaming without end costs at most the bound plus one
 * chunk. Bytes are counted after content decoding (a gzip bomb counts at its inflated size).
 */

/** Why a FHIR read failed (a code, never body content). */
export type FhirFailureReason =
  | 'http-status'
  | 'timeout'
  | 'aborted'
  | 'network'
  | 'truncated-body'
  | 'too-large'
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

/** Body bytes one hook call may still read from the FHIR server, shared by all its reads. */
export interface ByteBudget {
  /** Takes `n` bytes from the budget; `false` (and nothing taken) when fewer than `n` are left. */
  take(n: number): boolean;
  readonly remaining: number;
}

/** A budget of `maxBytes` body bytes (no bound when `maxBytes` is not finite). */
export function createByteBudget(maxBytes: number): ByteBudget {
  let remaining = maxBytes;
  return {
    take(n) {
      if (n > remaining) return false;
      remaining -= n;
      return true;
    },
    get remaining() {
      return remaining;
    },
  };
}

export interface ResponseBounds {
  /** Most body bytes of one reply. */
  readonly maxReplyBytes?: number;
  /** The hook call's shared budget. */
  readonly budget?: ByteBudget;
}

/** Wraps `inner` so only complete, well-formed, bounded 2xx JSON responses reach MedplumClient. */
export function guardFhirResponses(inner: FetchLike, bounds: ResponseBounds = {}): FetchLike {
  const budget = bounds.budget ?? createByteBudget(Number.POSITIVE_INFINITY);
  const maxReply = bounds.maxReplyBytes ?? Number.POSITIVE_INFINITY;
  return async (url, init) => {
    // Redirects are not followed: a redirect could lead off the FHIR server (SSRF) with our token.
    const res = await inner(url, { ...init, redirect: 'manual' });
    if (res.status < 200 || res.status >= 300) {
      await res.body?.cancel().catch(() => undefined);
      throw new FhirFetchError('http-status', res.status);
    }
    const text = await readBounded(res, maxReply, budget, init?.signal);
    try {
      JSON.parse(text);
    } catch {
      throw new FhirFetchError('malformed-json', res.status);
    }
    return new Response(text, { status: res.status, headers: { 'content-type': 'application/fhir+json' } });
  };
}

/** The body as text (UTF-8, BOM dropped, like `Response.text()`), read chunk by chunk within the bounds. */
async function readBounded(res: Response, maxReply: number, budget: ByteBudget, signal: AbortSignal | null | undefined): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  // The declared length is a lower bound of the decoded size: a reply announced too large is not read at all.
  if (declared > Math.min(maxReply, budget.remaining)) {
    await res.body?.cancel().catch(() => undefined);
    throw new FhirFetchError('too-large', res.status);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let size = 0;
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new FhirFetchError('truncated-body', res.status);
    }
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > maxReply || !budget.take(chunk.value.byteLength)) {
      await reader.cancel().catch(() => undefined);
      throw new FhirFetchError('too-large', res.status);
    }
    parts.push(decoder.decode(chunk.value, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
}
