import { describe, expect, it } from 'vitest';
import { ACK_DECISIONS } from '../../src/store/records.js';
import { createStore } from '../../src/store/create-store.js';
import { acknowledgement, hookCall, notice } from './audit-fixtures.js';

/**
 * Acknowledgement decision `postponed` (DESIGN §8, docs/design.md#written-notice): the third box of
 * the notice — not decided yet, coming back by the notice's date — stored apart from `declined`
 * (migration 9 widened the CHECK of migration 1); anything else is still refused by the database.
 */
describe('acknowledgement decision postponed', () => {
  it('is one of the decisions, is stored and read back apart from declined; an unknown decision is refused', async () => {
    expect(ACK_DECISIONS).toEqual(['accepted-referral', 'declined', 'postponed', 'undecided']);
    const store = await createStore({ dataDir: 'memory://', databaseUrl: undefined });
    try {
      for (const id of ['n-postponed', 'n-declined']) {
        await store.audit.recordHookCall(
          hookCall({
            patientId: id,
            receivedAt: '2025-03-01T02:00:00.000Z',
            findings: [],
            cards: [],
            ruleErrors: [],
            notice: notice({ id, patientId: id }),
          }),
        );
      }
      const postponed = acknowledgement('n-postponed', { decision: 'postponed' });
      await store.audit.appendAcknowledgement(postponed);
      await store.audit.appendAcknowledgement(acknowledgement('n-declined', { decision: 'declined' }));
      const rows = await store.sql.query<{ notice_id: string; decision: string }>(
        'SELECT notice_id, decision FROM notice_acknowledgement ORDER BY notice_id',
      );
      expect(rows).toEqual([
        { notice_id: 'n-declined', decision: 'declined' },
        { notice_id: 'n-postponed', decision: 'postponed' },
      ]);
      const refused = await store.sql
        .query(
          "INSERT INTO notice_acknowledgement (id, notice_id, signer_kind, signer_name, decision, signed_at, recorded_by, recorded_at) VALUES ('x', 'n-declined', 'patient', '张丽', 'maybe', now(), 'dr-1', now())",
        )
        .then(
          () => 'inserted',
          (e: unknown) => `${String(e)} ${String((e as { cause?: unknown }).cause ?? '')}`,
        );
      expect(refused).toMatch(/notice_acknowledgement_decision_check/);
    } finally {
      await store.close();
    }
  }, 120_000);
});
