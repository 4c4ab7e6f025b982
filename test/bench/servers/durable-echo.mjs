// Baseline 4, the durable limit: express 5 with express.json (as the express baseline), then one row
// per request holding the request's record bytes (its first BENCH_ECHO_BYTES bytes, default 15,000:
// about what a referral call with a new notice stores) inserted into the same engine the service
// uses — the embedded PGlite store of dist/ in DATA_DIR, on the same durable file system (fsync on,
// every commit fsyncs its WAL) — autocommitted, before the fixed card is answered.
import process from 'node:process';
import { randomUUID } from 'node:crypto';
import { listenExpressBaseline } from './express-baseline.mjs';
import { loadConfig } from '../../../dist/src/config/load.js';
import { createStore } from '../../../dist/src/store/create-store.js';

const bytes = Number(process.env.BENCH_ECHO_BYTES ?? 15_000);
const store = await createStore(loadConfig(process.env));
await store.sql.query(
  'CREATE TABLE IF NOT EXISTS bench_echo (id uuid PRIMARY KEY, received_at timestamptz NOT NULL, record text NOT NULL)',
);
await store.sql.query('ALTER TABLE bench_echo ALTER COLUMN record SET STORAGE EXTERNAL');

listenExpressBaseline({
  persist: (req) =>
    store.sql.query('INSERT INTO bench_echo (id, received_at, record) VALUES ($1, now(), $2)', [
      randomUUID(),
      JSON.stringify(req.body).slice(0, bytes),
    ]),
});
