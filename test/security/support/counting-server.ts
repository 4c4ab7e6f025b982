import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP listener on 127.0.0.1 that only counts connections (and drops them): an SSRF tripwire. */
export interface CountingServer {
  readonly port: number;
  readonly connections: number;
  close(): Promise<void>;
}

export async function startCountingServer(): Promise<CountingServer> {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    get connections() {
      return connections;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
