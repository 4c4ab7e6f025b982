import { ClientStorage, MedplumClient, MemoryStorage, concatUrls } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { deadline } from './deadline.js';
import { classifyValue, isResourceObject } from './prefetch-state.js';
import { FhirFetchError, createByteBudget, guardFhirResponses, type FetchLike, type FhirFailureReason } from './response-guard.js';

/**
 * Reads FHIR queries from the EHR's `fhirServer` with the hook's `fhirAuthorization` bearer token
 * (https://cds-hooks.hl7.org/2.0/#fhir-resource-access) through `@medplum/core`'s MedplumClient,
 * configured as a plain client of a generic FHIR server (no Medplum login, storage, refresh, cache,
 * batching or extended mode). Searchset Bundles are paged through `link[relation=next]` up to
 * `maxPages`, only under the `fhirServer` origin and path (no SSRF), and a repeated next URL stops
 * the paging. Reply bodies are bounded (`maxBytes` for all reads of the reader together, pages
 * included; `maxReplyBytes` each): beyond a bound the read fails with `too-large`, its connection
 * dropped (./response-guard.ts). Expected failures are returned as data, never thrown.
 */
export interface FhirReaderOptions {
  /** The hook's `fhirServer` (absolute http(s) base URL). */
  readonly fhirServer: string;
  /** `fhirAuthorization.access_token`, sent as `Authorization: Bearer`. */
  readonly accessToken?: string;
  /** Most pages read per query (≥ 1). */
  readonly maxPages: number;
  /**
   * Most body bytes read by all `read`s of this reader together (one reader per hook call, so a
   * per-call budget). Unbounded when not given.
   */
  readonly maxBytes?: number;
  /** Most body bytes of one reply (one page). Defaults to `maxBytes`. */
  readonly maxReplyBytes?: number;
  /** Upper bound of one `read`, in addition to the caller's signal. */
  readonly timeoutMs?: number;
  /** Injectable `fetch` (defaults to the global one). */
  readonly fetch?: FetchLike;
}

/** Why paging stopped before the server said it was done. */
export type PagingStop = 'max-pages' | 'loop' | 'foreign-next-link';

export type FhirReadResult =
  | { readonly ok: true; readonly resources: readonly Resource[]; readonly pages: number; readonly incomplete?: PagingStop }
  | { readonly ok: false; readonly reason: FhirFailureReason; readonly status?: number; readonly detail?: string };

export interface FhirReader {
  /** Reads a query relative to `fhirServer` (e.g. `Observation?patient=p1`), following next links. */
  read(query: string, signal?: AbortSignal): Promise<FhirReadResult>;
}

/** Creates a reader bound to one FHIR server and token (one per hook call). */
export function createFhirReader(opts: FhirReaderOptions): FhirReader {
  const base = parseBase(opts.fhirServer);
  if (!base) return { read: () => Promise.resolve({ ok: false, reason: 'invalid-fhir-server' }) };
  const client = new MedplumClient({
    baseUrl: base.href,
    fhirUrlPath: '',
    ...(opts.accessToken ? { accessToken: opts.accessToken } : {}),
    fetch: guardFhirResponses(opts.fetch ?? ((url, init) => fetch(url, init)), {
      budget: createByteBudget(opts.maxBytes ?? Number.POSITIVE_INFINITY),
      ...(opts.maxReplyBytes !== undefined ? { maxReplyBytes: opts.maxReplyBytes } : {}),
    }),
    storage: new ClientStorage(new MemoryStorage()),
    cacheTime: 0,
    autoBatchTime: 0,
    refreshGracePeriod: 0,
    extendedMode: false,
    verbose: false,
  });
  const maxPages = Math.max(1, Math.floor(opts.maxPages));

  async function getPage(url: string, signal: AbortSignal): Promise<unknown> {
    // maxRetries 0: the caller's deadline bounds the call; Medplum's own backoff would sleep.
    return client.get(url, { signal, maxRetries: 0, headers: { Accept: 'application/fhir+json' } });
  }

  return {
    async read(query, callerSignal) {
      let url: string | undefined = concatUrls(base.href, query);
      if (!isUnderBase(url, base)) return { ok: false, reason: 'blocked-url' };
      // Own timer + controller, not AbortSignal.timeout via AbortSignal.any (see ./deadline.ts).
      const bound = deadline(opts.timeoutMs, callerSignal);
      const signal = bound.signal;
      const seen = new Set<string>();
      const resources: Resource[] = [];
      let pages = 0;
      try {
        while (url !== undefined) {
          if (pages >= maxPages) return { ok: true, resources, pages, incomplete: 'max-pages' };
          seen.add(url);
          const body = await getPage(url, signal);
          pages += 1;
          const state = classifyValue(body);
          if (state.state === 'failed') {
            if (state.reason === 'malformed-resource')
              return { ok: false, reason: 'malformed-resource', ...(state.detail ? { detail: state.detail } : {}) };
            return { ok: false, reason: state.reason === 'operation-outcome' ? 'operation-outcome' : 'not-fhir' };
          }
          if (state.state === 'present') resources.push(...state.resources);
          const next = nextLink(body, url);
          if (next === undefined) return { ok: true, resources, pages };
          if (seen.has(next)) return { ok: true, resources, pages, incomplete: 'loop' };
          if (!isUnderBase(next, base)) return { ok: true, resources, pages, incomplete: 'foreign-next-link' };
          url = next;
        }
      } catch (err) {
        return failure(err, signal);
      } finally {
        bound.dispose();
      }
      return { ok: true, resources, pages };
    },
  };
}

/** The base URL with a trailing slash, or `undefined` if it is not an absolute http(s) URL without credentials. */
function parseBase(fhirServer: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(fhirServer);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) return undefined;
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** Same origin, no credentials, and a path at or below the base path (`/fhir` or `/fhir/...`). */
export function isUnderBase(candidate: string, base: URL): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  if (url.origin !== base.origin || url.username || url.password) return false;
  return url.pathname.startsWith(base.pathname) || url.pathname === base.pathname.slice(0, -1);
}

/** The absolute `next` link of a Bundle (relative links resolve against the page URL). */
function nextLink(body: unknown, pageUrl: string): string | undefined {
  if (!isResourceObject(body) || body.resourceType !== 'Bundle') return undefined;
  const href = body.link?.find((l) => l.relation === 'next')?.url;
  if (typeof href !== 'string' || href === '') return undefined;
  try {
    return new URL(href, pageUrl).href;
  } catch {
    return undefined;
  }
}

function failure(err: unknown, signal: AbortSignal): FhirReadResult {
  if (err instanceof FhirFetchError) {
    return err.status === undefined ? { ok: false, reason: err.reason } : { ok: false, reason: err.reason, status: err.status };
  }
  if (signal.aborted) {
    const timedOut = signal.reason instanceof Error && signal.reason.name === 'TimeoutError';
    return { ok: false, reason: timedOut ? 'timeout' : 'aborted' };
  }
  return { ok: false, reason: 'network' };
}
