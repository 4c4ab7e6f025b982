import pg from 'pg';

/** The channel every registry import notifies in its transaction (./sql-registry-store.ts). */
export const REGISTRY_CHANNEL = 'prenatal_cds_registry';

/** How long to wait before listening again after the connection failed, ms. */
export const RELISTEN_DELAY_MS = 1_000;

/** Idle time before TCP keep-alive probes start on the listening connection, ms (the OS default is hours). */
const KEEP_ALIVE_DELAY_MS = 10_000;

export interface RegistryListenerEvents {
  /** LISTEN is in place: from now on every committed import is announced. */
  readonly onListening: () => void;
  /** An import committed (here, in the CLI or in another replica). */
  readonly onChange: () => void;
  /** The connection failed or closed: imports may go unannounced until `onListening` again. */
  readonly onLost: (err: Error) => void;
}

export interface RegistryListener {
  /** Stops listening for good. Idempotent. */
  close(): Promise<void>;
}

/**
 * Listens for registry imports on a connection of its own to the PostgreSQL server
 * (docs/design.md#registry-cache): `LISTEN` on {@link REGISTRY_CHANNEL}, a notification per committed
 * import. When the connection fails it reports `onLost` and tries again every
 * {@link RELISTEN_DELAY_MS}, each attempt bounded by `connectTimeoutMs`; TCP keep-alive is on so a
 * silently dead connection is noticed.
 */
export function listenForRegistryChanges(
  connectionString: string,
  events: RegistryListenerEvents,
  options: { connectTimeoutMs: number; relistenDelayMs?: number },
): RegistryListener {
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const lost = (c: pg.Client, err: Error): void => {
    if (client !== c) return;
    client = undefined;
    c.removeAllListeners('notification');
    c.end().catch(() => undefined);
    if (closed) return;
    events.onLost(err);
    retry = setTimeout(() => void listen(), options.relistenDelayMs ?? RELISTEN_DELAY_MS);
    retry.unref();
  };

  async function listen(): Promise<void> {
    retry = undefined;
    if (closed) return;
    const c = new pg.Client({
      connectionString,
      connectionTimeoutMillis: options.connectTimeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEP_ALIVE_DELAY_MS,
    });
    client = c;
    c.on('error', (err) => lost(c, err));
    c.on('end', () => lost(c, new Error('registry listener connection closed')));
    c.on('notification', (n) => {
      if (n.channel === REGISTRY_CHANNEL) events.onChange();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${REGISTRY_CHANNEL}`);
    } catch (err) {
      lost(c, err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (client === c && !closed) events.onListening();
  }

  void listen();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
