import type { QcPrincipal } from '../auth/qc-auth.js';
import type { Config } from '../config/schema.js';
import { identityPresenter, seesIdentity, type IdentityPresenter } from '../qc/patient-identity.js';
import type { AuditStore } from '../store/audit-store.js';

/** The `qc_secret` row holding the pseudonym key when QC_PSEUDONYM_SECRET is not set. */
export const PSEUDONYM_SECRET_NAME = 'qc-pseudonym';

/** The patient identity a QC reader may see (docs/design.md#patient-identity). */
export type QcIdentity = (principal: QcPrincipal) => Promise<IdentityPresenter>;

/**
 * The presenters of one QC router. The pseudonym key is QC_PSEUDONYM_SECRET (UTF-8) when set, else
 * the store's `qc-pseudonym` secret, generated on the first read that needs it and kept: the same on
 * every replica and after restarts. It is read once per process (a failed read is tried again on the
 * next request), and only for a reader who does not see identities.
 */
export function qcIdentity(deps: {
  readonly config: Pick<Config, 'qcPseudonymSecret'>;
  readonly audit: Pick<AuditStore, 'storedSecret'>;
}): QcIdentity {
  const configured = deps.config.qcPseudonymSecret;
  let key: Promise<Uint8Array> | undefined = configured === undefined ? undefined : Promise.resolve(Buffer.from(configured, 'utf8'));
  const load = (): Promise<Uint8Array> =>
    (key ??= deps.audit.storedSecret(PSEUDONYM_SECRET_NAME).catch((err: unknown) => {
      key = undefined;
      throw err;
    }));
  return async (principal) => identityPresenter(principal, seesIdentity(principal) ? undefined : await load());
}
