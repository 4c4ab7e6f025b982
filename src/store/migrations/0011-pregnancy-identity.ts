import type { Migration } from './migration.js';

/** The best EDD written in a `Patient/<id>|YYYY-MM-DD` pregnancy key (the only keys that carry one). */
const EDD_OF_KEY = `substring(pregnancy_key from '^Patient/[^|]+[|]([0-9]{4}-[0-9]{2}-[0-9]{2})$')`;

/** Back-fills `edd` of an append-only audit table: its UPDATE trigger is off for this statement only. */
function backFill(table: 'hook_call' | 'notice'): string[] {
  return [
    `ALTER TABLE ${table} DISABLE TRIGGER ${table}_no_update_delete`,
    `UPDATE ${table} SET edd = ${EDD_OF_KEY}::date WHERE ${EDD_OF_KEY} IS NOT NULL`,
    `ALTER TABLE ${table} ENABLE TRIGGER ${table}_no_update_delete`,
  ];
}

/**
 * Pregnancy identity (docs/design.md#pregnancy-identity): `hook_call` and `notice` keep the call's
 * best EDD (`edd`) beside the raw pregnancy key, so QC can tell a revised EDD from another
 * pregnancy (and a key that became the EpisodeOfCare still has its EDD). Rows written before carry
 * the EDD only in a `Patient/<id>|YYYY-MM-DD` key: it is copied out, the append-only triggers
 * disabled around the copy and re-enabled in the same transaction (nothing else changes; the raw
 * keys stay as written and QC resolves pregnancies when it reads). QC's read of every call of the
 * women it reports on uses the index `hook_call (patient_id, received_at)` of migration 12.
 */
export const migration0011: Migration = {
  version: 11,
  name: 'pregnancy-identity',
  statements: [
    'ALTER TABLE hook_call ADD COLUMN edd date',
    'ALTER TABLE notice ADD COLUMN edd date',
    ...backFill('hook_call'),
    ...backFill('notice'),
  ],
};
