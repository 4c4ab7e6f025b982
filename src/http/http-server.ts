import { createServer, type RequestListener, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { TlsCredentials } from '../config/tls-config.js';

/**
 * The HTTP server around the app (docs/design.md#http-bounds): how long a client may take to send
 * a request, how long an idle keep-alive connection stays open, and how the server drains on
 * shutdown. `app.ts` builds the request handler; this module owns the connections.
 *
 * - `headersTimeoutMs` / `requestTimeoutMs`: a client that has not sent its headers, or its whole
 *   request, in time is answered 408 and disconnected (slow-loris). Node checks these every
 *   `connectionsCheckingInterval`, 30 s by default: here a quarter of the headers timeout (≤ 1 s),
 *   so the bound holds within that slack.
 * - `keepAliveTimeoutMs`: an idle keep-alive connection is closed after this long.
 * - {@link HttpServer.drain}: stop accepting, close idle connections, answer every request still
 *   in flight — and any that arrives on an open connection meanwhile — with `Connection: close`,
 *   and once none is left close whatever connection remains (idle, or a request never completed).
 *   Under keep-alive load connections are never idle, so closing idle ones once is not enough.
 *
 * With `tls` (TLS_CERT_FILE / TLS_KEY_FILE, docs/design.md#tls) the same server speaks HTTPS only,
 * TLS 1.2 or later; a TLS handshake gets the headers timeout too (Node's default is 120 s), so a
 * client that opens a connection and never finishes the handshake holds it no longer than one
 * that never sends its headers. Everything else — timeouts, drain — is this one code path.
 */
export interface HttpServerBounds {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
}

export interface HttpServer {
  readonly server: Server | HttpsServer;
  /** Listens on `port` / `host`; rejects if the address cannot be bound. */
  listen(port: number, host: string): Promise<void>;
  /** Requests received and not yet answered (or abandoned by their client). */
  readonly inFlight: number;
  /** Stops accepting and resolves once every connection is closed (see above). */
  drain(): Promise<void>;
}

export function createHttpServer(handler: RequestListener, bounds: HttpServerBounds, tls?: TlsCredentials): HttpServer {
  const open = new Set<ServerResponse>();
  let draining = false;
  let closed: Promise<void> | undefined;
  const options: ServerOptions = {
    headersTimeout: bounds.headersTimeoutMs,
    requestTimeout: bounds.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(1_000, Math.max(10, Math.floor(bounds.headersTimeoutMs / 4))),
  };
  const listener: RequestListener = (req, res) => {
    open.add(res);
    res.once('close', () => {
      open.delete(res);
      if (draining && open.size === 0) server.closeAllConnections();
    });
    if (draining) res.setHeader('Connection', 'close');
    handler(req, res);
  };
  const server: Server | HttpsServer = tls
    ? createHttpsServer(
        { ...options, cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2', handshakeTimeout: bounds.headersTimeoutMs },
        listener,
      )
    : createServer(options, listener);
  server.keepAliveTimeout = bounds.keepAliveTimeoutMs;

  return {
    server,
    listen: (port, host) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      }),
    get inFlight() {
      return open.size;
    },
    drain() {
      draining = true;
      closed ??= new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      for (const res of open) if (!res.headersSent) res.setHeader('Connection', 'close');
      server.closeIdleConnections();
      if (open.size === 0) server.closeAllConnections();
      return closed;
    },
  };
}
