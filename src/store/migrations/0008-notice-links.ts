import { appendOnly, type Migration } from './migration.js';

/**
 * Notice links (docs/design.md#notice-links): the printable notice page opens only with a link
 * token. `notice_link` holds the SHA-256 of each token issued (never the token), the notice it
 * opens, when it was issued, when it expires and the hook call that issued it; a fresh hook call
 * adds a row for the same notice, it never changes one. `notice_view` records every request for a
 * notice page: its time, the notice id asked for, the link that opened it and the result
 * (`shown`, `expired`, `unknown`), and the client address only as far as NOTICE_VIEW_ADDRESS
 * allows (NULL by default). Both append-only.
 */
export const migration0008: Migration = {
  version: 8,
  name: 'notice-links',
  statements: [
    `CREATE TABLE notice_link (
  id uuid PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  notice_id text NOT NULL REFERENCES notice (id),
  hook_call_id uuid REFERENCES hook_call (id),
  issued_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  CHECK (expires_at > issued_at)
)`,
    'CREATE INDEX notice_link_notice ON notice_link (notice_id)',
    `CREATE TABLE notice_view (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  viewed_at timestamptz NOT NULL,
  notice_id text,
  link_id uuid REFERENCES notice_link (id),
  result text NOT NULL CHECK (result IN ('shown', 'expired', 'unknown')),
  client_address text
)`,
    'CREATE INDEX notice_view_notice ON notice_view (notice_id, viewed_at)',
    'CREATE INDEX notice_view_viewed_at ON notice_view (viewed_at)',
    ...appendOnly('notice_link'),
    ...appendOnly('notice_view'),
  ],
};
