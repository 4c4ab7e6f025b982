import type { Migration } from './migration.js';

/**
 * Acknowledgement decisions gain `postponed` (docs/design.md#written-notice): the woman has not
 * decided yet and comes back by the date on the notice — apart from `declined` (declined after
 * counselling) and `undecided` (signed without ticking a choice). The inline CHECK of migration 1
 * (PostgreSQL names it `<table>_<column>_check`) is replaced; existing rows all satisfy the new one.
 */
export const migration0009: Migration = {
  version: 9,
  name: 'acknowledgement-postponed',
  statements: [
    'ALTER TABLE notice_acknowledgement DROP CONSTRAINT notice_acknowledgement_decision_check',
    "ALTER TABLE notice_acknowledgement ADD CONSTRAINT notice_acknowledgement_decision_check CHECK (decision IN ('accepted-referral', 'declined', 'postponed', 'undecided'))",
  ],
};
