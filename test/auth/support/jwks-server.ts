import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONWebKeySet } from 'jose';

/** How the loopback JWKS endpoint behaves: serve, answer 503, reset the connection, or never answer. */
export type JwksMode = 'ok' | 'error' | 'reset' | 'hang';

export interface JwksServer {
  readonly url: string;
  /** Requests received (any path). */
  readonly hits: number;
  setJwks(jwks: JSONWebKeySet): void;
  setMode(mode: JwksMode): void;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 serving a JWKS, with a hit counter (no fetch mocking). */
export async function startJwksServer(initial: JSONWebKeySet = { keys: [] }): Promise<JwksServer> {
  let jwks = initial;
  let mode: JwksMode = 'ok';
  let hits = 0;
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    hits += 1;
    if (mode === 'hang') {
      hanging.add(res);
      return;
    }
    if (mode === 'reset') {
      req.socket.destroy();
      return;
    }
    if (mode === 'error') {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    get hits() {
      return hits;
    },
    setJwks: (next) => {
      jwks = next;
    },
    setMode: (next) => {
      mode = next;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
