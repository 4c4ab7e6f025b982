import { randomUUID } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import type { AuditStore } from './audit-store.js';
import type { Sql } from './sql.js';

/** `iss` of the readiness probe's own rows in `jti_seen` (already expired when written: pruned like any other). */
export const READINESS_PROBE_ISSUER = 'urn:prenatal-cds:readiness-probe';

/**
 * Readiness from the outcome of the last store write (docs/design.md#readiness). A full disk, a
 * read-only file system or a server refusing writes leaves reads working: `select 1` would call
 * the store ready while every hook call fails. So a failed write makes the store not ready until a
 * write succeeds — a call's own, or the probe's: while not ready, each readiness check writes one
 * row itself (a node taken out of the load balancer gets no calls whose writes could succeed).
 */
export interface WriteHealth {
  /** Whether the last store write failed. */
  readonly failing: boolean;
  /** Resolves when the store is ready: writes succeed (probed when the last one failed), or the store answers. */
  ready(): Promise<void>;
  /** The audit store with every write's outcome recorded here. */
  track(audit: AuditStore): AuditStore;
}

/** A store failure (the catalogue's 503), as opposed to a refusal of the record itself. */
const isStoreFailure = (err: unknown): boolean => err instanceof AppError && err.code === 'store-unavailable';

export function createWriteHealth(sql: Sql): WriteHealth {
  let failing = false;
  const observe = async <T>(write: Promise<T>): Promise<T> => {
    try {
      const value = await write;
      failing = false;
      return value;
    } catch (err) {
      if (isStoreFailure(err)) failing = true;
      throw err;
    }
  };
  const probeWrite = () =>
    sql.query('INSERT INTO jti_seen (iss, jti, expires_at) VALUES ($1, $2, now())', [READINESS_PROBE_ISSUER, randomUUID()]);
  return {
    get failing() {
      return failing;
    },
    async ready() {
      if (failing) await observe(probeWrite());
      else await sql.query('select 1', []);
    },
    track(audit) {
      return {
        ...audit,
        put: (notice) => observe(audit.put(notice)),
        recordHookCall: (record) => observe(audit.recordHookCall(record)),
        append: (records) => observe(audit.append(records)),
        appendAcknowledgement: (ack) => observe(audit.appendAcknowledgement(ack)),
        rememberJti: (iss, jti, expiresAt) => observe(audit.rememberJti(iss, jti, expiresAt)),
        recordView: (view) => observe(audit.recordView(view)),
      };
    },
  };
}
