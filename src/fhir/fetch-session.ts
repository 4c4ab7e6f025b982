import { defaultMaxListeners, setMaxListeners } from 'node:events';
import type { HookRequest } from '../cds-hooks/wire.js';
import { deadline, type Deadline } from './deadline.js';
import { createFhirReader, type FhirReader, type FhirReadResult } from './fhir-client.js';
import type { FhirFailureReason } from './response-guard.js';

/**
 * The FHIR access of one hook call (docs/design.md#fhir-fallback): one reader (one token, one base
 * URL, one set of size guards) and one `FHIR_TIMEOUT_MS` deadline shared by every read of the call —
 * the prefetch fallback and the reference fetch after it (and so one byte budget). Opened on the first read, so a call
 * answered wholly from prefetch starts no timer; `undefined` without `fhirServer` and
 * `fhirAuthorization` (https://cds-hooks.hl7.org/2.0/#fhir-resource-access).
 */
export interface FetchSession {
  readonly reader: FhirReader;
  readonly signal: AbortSignal;
  /** The `fhirServer` base (trailing slash), for deciding whether an absolute reference is ours. */
  readonly base: URL | undefined;
}

export interface FetchSessionOptions {
  readonly timeoutMs: number;
  readonly maxPages: number;
  readonly fetch?: typeof fetch;
  /** Most FHIR body bytes of the call, both stages together (`FHIR_MAX_BYTES`). */
  readonly maxBytes?: number;
  /** Most body bytes of one reply (`FHIR_MAX_REPLY_BYTES`). */
  readonly maxReplyBytes?: number;
  /** Most reads the call may have in flight at once (one abort listener each). */
  readonly maxConcurrentReads: number;
  /** Told the kind of every failed read (the metrics, docs/design.md#metrics). */
  readonly onFetchFailure?: (reason: FhirFailureReason) => void;
}

export interface LazyFetchSession {
  /** Whether the request allows fetching at all (fhirServer with fhirAuthorization). */
  readonly available: boolean;
  open(): FetchSession | undefined;
  dispose(): void;
}

export function lazyFetchSession(request: HookRequest, opts: FetchSessionOptions, caller: AbortSignal | undefined): LazyFetchSession {
  const available = Boolean(request.fhirServer && request.fhirAuthorization);
  let session: FetchSession | undefined;
  let phase: Deadline | undefined;
  return {
    available,
    open() {
      if (!available) return undefined;
      if (session) return session;
      // Own timer + controller, not AbortSignal.timeout via AbortSignal.any (see ./deadline.ts).
      phase = deadline(opts.timeoutMs, caller);
      // Each read listens on the phase's signal until it settles. Node warns past 10 listeners,
      // once per signal: every call with more keys in flight.
      setMaxListeners(Math.max(defaultMaxListeners, opts.maxConcurrentReads + 1), phase.signal);
      const reader = createFhirReader({
        fhirServer: request.fhirServer ?? '',
        accessToken: request.fhirAuthorization?.access_token ?? '',
        maxPages: opts.maxPages,
        ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}),
        ...(opts.maxReplyBytes !== undefined ? { maxReplyBytes: opts.maxReplyBytes } : {}),
        ...(opts.fetch ? { fetch: opts.fetch } : {}),
      });
      session = {
        reader: opts.onFetchFailure ? reportingFailures(reader, opts.onFetchFailure) : reader,
        signal: phase.signal,
        base: baseOf(request.fhirServer ?? ''),
      };
      return session;
    },
    dispose() {
      phase?.dispose();
    },
  };
}

/** The reader with the kind of each failed read passed to `onFailure`. */
function reportingFailures(reader: FhirReader, onFailure: (reason: FhirFailureReason) => void): FhirReader {
  const note = (result: FhirReadResult): FhirReadResult => {
    if (!result.ok) onFailure(result.reason);
    return result;
  };
  return { read: (query, signal) => reader.read(query, signal).then(note) };
}

function baseOf(fhirServer: string): URL | undefined {
  try {
    const url = new URL(fhirServer);
    url.search = '';
    url.hash = '';
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    return url;
  } catch {
    return undefined;
  }
}
