import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp } from '../../../src/app.js';
import { fixedClock } from '../../../src/clock.js';
import { compose, type Composition } from '../../../src/compose.js';
import { loadConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/log.js';
import type { AuditStore } from '../../../src/store/audit-store.js';

export interface RunningQcApp {
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  readonly composition: Composition;
  close(): Promise<void>;
}

/**
 * The real app on loopback (port 0) with an in-memory PGlite store seeded by `seed`, a fixed clock
 * and the given QC tokens (`QC_TOKENS`), for the dashboard's browser tests.
 */
export async function startQcApp(opts: {
  readonly now: string;
  readonly qcTokens: Readonly<Record<string, unknown>>;
  readonly seed: (audit: AuditStore) => Promise<void>;
}): Promise<RunningQcApp> {
  const config = loadConfig({
    AUTH_MODE: 'off',
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'silent',
    CLINIC_TIMEZONE: 'Asia/Shanghai',
    QC_TOKENS: JSON.stringify(opts.qcTokens),
  });
  const composition = await compose(config, createLogger(config), { clock: fixedClock(opts.now, config.clinicTimeZone) });
  await opts.seed(composition.store.audit);
  const server = await new Promise<Server>((resolve) => {
    const s = createApp(composition.deps).listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    composition,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await composition.close();
    },
  };
}
