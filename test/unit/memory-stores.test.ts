import { describe, expect, it } from 'vitest';
import { MemoryFeedbackStore, MemoryHookCallLog, MemoryNoticeStore } from '../../src/store/memory-stores.js';
import { hookCall } from '../store/audit-fixtures.js';

describe('in-memory stores', () => {
  it('NoticeStore: put then get returns a frozen copy; same id with the same hash is idempotent, a different hash is refused', async () => {
    const s = new MemoryNoticeStore();
    const notice = { id: 'n1', createdAt: '2026-11-23T02:00:00.000Z', hash: 'aa', patientId: 'p1', content: { lines: ['x'] } };
    await s.put(notice);
    notice.content.lines.push('mutated after put');
    const got = await s.get('n1');
    expect(got?.content).toEqual({ lines: ['x'] });
    expect(Object.isFrozen(got?.content)).toBe(true);
    await s.put({ ...notice, content: { lines: ['x'] } });
    await expect(s.put({ ...notice, hash: 'bb' })).rejects.toThrow(/different hash/);
    expect(await s.get('missing')).toBeUndefined();
  });

  it('FeedbackStore: keeps every item in order, repeats included', async () => {
    const s = new MemoryFeedbackStore();
    const r = {
      serviceId: 'nipt-order-check' as const,
      receivedAt: '2026-11-23T02:00:00.000Z',
      issuer: 'i',
      item: { card: 'c', outcome: 'accepted' },
    };
    await s.append([r, r]);
    await s.append([{ ...r, item: { card: 'd', outcome: 'overridden' } }]);
    expect(s.all().map((x) => x.item.card)).toEqual(['c', 'c', 'd']);
  });

  it('FeedbackStore.issuedCards: the cards of the hook-call log it is given, by service, issuer and tenant (none without a log)', async () => {
    const calls = new MemoryHookCallLog(new MemoryNoticeStore());
    const call = hookCall();
    await calls.record(call);
    const card = call.cards[0]!.uuid;
    const q = { serviceId: call.serviceId, issuer: call.issuer, tenant: call.tenant, uuids: [card, 'other'] };
    expect([...(await new MemoryFeedbackStore(calls).issuedCards(q))]).toEqual([card]);
    expect((await new MemoryFeedbackStore(calls).issuedCards({ ...q, tenant: undefined })).size).toBe(0);
    expect((await new MemoryFeedbackStore(calls).issuedCards({ ...q, issuer: 'x' })).size).toBe(0);
    expect((await new MemoryFeedbackStore().issuedCards(q)).size).toBe(0);
  });
});
