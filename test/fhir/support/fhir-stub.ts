import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect } from 'vitest';

/** What the stub does with one expected request. */
export type StubHandler = (req: IncomingMessage, res: ServerResponse, stub: FhirStub) => void | Promise<void>;

export interface StubCall {
  readonly url: string;
  readonly authorization: string | undefined;
  readonly accept: string | undefined;
}

/**
 * A real FHIR server stand-in on loopback (`node:http`, 127.0.0.1, ephemeral port). It answers only
 * the exact `path?query` strings it was given; anything else is recorded in `unexpected` (tests
 * assert it stays empty) and answered 404.
 */
export interface FhirStub {
  /** `http://127.0.0.1:<port>/fhir` (no trailing slash, as EHRs often send it). */
  readonly fhirServer: string;
  readonly origin: string;
  readonly calls: StubCall[];
  readonly unexpected: string[];
  readonly maxInFlight: number;
  /** Resolves once `n` requests are in flight at the same time. */
  inFlightReached(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFhirStub(routes: Readonly<Record<string, StubHandler>>): Promise<FhirStub> {
  let inFlight = 0;
  let maxInFlight = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const calls: StubCall[] = [];
  const unexpected: string[] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    calls.push({ url, authorization: req.headers.authorization, accept: req.headers.accept });
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => {
      inFlight -= 1;
    });
    for (const w of waiters.filter((x) => inFlight >= x.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
    const handler = req.method === 'GET' ? routes[url] : undefined;
    if (!handler) {
      unexpected.push(`${req.method ?? '?'} ${url}`);
      sendJson(res, 404, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
      return;
    }
    void handler(req, res, stub);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const stub: FhirStub = {
    fhirServer: `${origin}/fhir`,
    origin,
    calls,
    unexpected,
    get maxInFlight() {
      return maxInFlight;
    },
    inFlightReached: (n) => (inFlight >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return stub;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/fhir+json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Answers 200 with a FHIR JSON body. */
export const json =
  (body: unknown, status = 200): StubHandler =>
  (_req, res) =>
    sendJson(res, status, body);

/** Never answers (the request stays open until the client gives up or the stub closes). */
export const hang = (): StubHandler => () => undefined;

/** Answers with a raw body and content type. */
export const raw =
  (status: number, text: string, contentType = 'application/fhir+json'): StubHandler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

/** Announces the full length of `body` but sends only its first half, then drops the connection. */
export const truncated =
  (body: unknown): StubHandler =>
  (_req, res) => {
    const text = JSON.stringify(body);
    res.writeHead(200, { 'content-type': 'application/fhir+json', 'content-length': Buffer.byteLength(text) });
    res.write(text.slice(0, Math.floor(text.length / 2)), () => res.socket?.destroy());
  };

/** Holds the answer until `n` requests are in flight together (proves the client is parallel). */
export const gated =
  (n: number, body: unknown): StubHandler =>
  async (_req, res, stub) => {
    await stub.inFlightReached(n);
    sendJson(res, 200, body);
  };

/**
 * Stubs for one test file: returns `stub(routes)`, which starts a stub and remembers it; after each
 * test every stub started in it is closed, and (unless `checkUnexpected` is false) must have seen no
 * request outside its routes.
 */
export function useFhirStubs(
  opts: { readonly checkUnexpected?: boolean } = {},
): (routes: Record<string, StubHandler>) => Promise<FhirStub> {
  const stubs: FhirStub[] = [];
  afterEach(async () => {
    for (const s of stubs.splice(0)) {
      if (opts.checkUnexpected !== false) expect(s.unexpected).toEqual([]);
      await s.close();
    }
  });
  return async (routes) => {
    const s = await startFhirStub(routes);
    stubs.push(s);
    return s;
  };
}
