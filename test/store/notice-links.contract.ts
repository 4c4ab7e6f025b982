import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashLinkToken, randomLinkToken, type IssuedNoticeLink } from '../../src/engine/notice-link.js';
import type { NoticeLinkStore } from '../../src/store/notice-links.js';
import type { HookCallRecord, NoticeStore } from '../../src/store/records.js';
import { hookCall, notice } from './audit-fixtures.js';

/** A store the notice-link contract runs on: hook calls go in through `record`, links and views come out of `store`. */
export interface NoticeLinkTarget {
  readonly store: NoticeStore & NoticeLinkStore;
  record(rec: HookCallRecord): Promise<void>;
}

function link(noticeId: string, token: string, overrides: Partial<IssuedNoticeLink> = {}): IssuedNoticeLink {
  return {
    id: randomUUID(),
    noticeId,
    tokenHash: hashLinkToken(token),
    issuedAt: '2025-03-01T02:00:00.000Z',
    expiresAt: '2025-03-31T02:00:00.000Z',
    reissue: false,
    patientId: 'p1',
    ...overrides,
  };
}

/** The notice-link contract (docs/design.md#notice-links): one suite for every engine. */
export function noticeLinkContract(name: string, open: () => NoticeLinkTarget): void {
  describe(`notice links: ${name}`, () => {
    it('a link stored with its hook call is found by its token hash, and only by it', async () => {
      const t = open();
      const n = notice();
      const token = randomLinkToken();
      const l = link(n.id, token);
      await t.record(hookCall({ notice: n, noticeLink: l }));
      expect(await t.store.findLink(hashLinkToken(token))).toMatchObject({
        id: l.id,
        noticeId: n.id,
        issuedAt: l.issuedAt,
        expiresAt: l.expiresAt,
      });
      expect(await t.store.findLink(hashLinkToken(randomLinkToken()))).toBeUndefined();
      expect(await t.store.findLink(token)).toBeUndefined();
    });

    it('a later call re-issues a link to the same stored notice: same patient and EHR only', async () => {
      const t = open();
      const n = notice({ patientId: 'p-reissue' });
      await t.record(
        hookCall({ notice: n, patientId: 'p-reissue', noticeLink: link(n.id, randomLinkToken(), { patientId: 'p-reissue' }) }),
      );
      const again = randomLinkToken();
      const reissued = link(n.id, again, {
        reissue: true,
        patientId: 'p-reissue',
        issuedAt: '2025-04-20T01:00:00.000Z',
        expiresAt: '2025-05-20T01:00:00.000Z',
      });
      await t.record(hookCall({ patientId: 'p-reissue', receivedAt: reissued.issuedAt, noticeLink: reissued }));
      expect(await t.store.findLink(hashLinkToken(again))).toMatchObject({
        id: reissued.id,
        noticeId: n.id,
        expiresAt: reissued.expiresAt,
      });
      expect((await t.store.get(n.id))?.hash).toBe(n.hash);

      const refused: [string, Partial<HookCallRecord>, Partial<IssuedNoticeLink>][] = [
        ['another patient', { patientId: 'p-other' }, { patientId: 'p-other' }],
        ['another issuer', { issuer: 'https://other-ehr.example/' }, {}],
        ['another tenant', { tenant: 't2' }, {}],
        ['no tenant', { tenant: undefined }, {}],
      ];
      for (const [why, call, over] of refused) {
        const token = randomLinkToken();
        await t.record(
          hookCall({ patientId: 'p-reissue', ...call, noticeLink: link(n.id, token, { reissue: true, patientId: 'p-reissue', ...over }) }),
        );
        expect(await t.store.findLink(hashLinkToken(token)), why).toBeUndefined();
      }
      const nowhere = randomLinkToken();
      await t.record(hookCall({ noticeLink: link(randomUUID(), nowhere, { reissue: true }) }));
      expect(await t.store.findLink(hashLinkToken(nowhere))).toBeUndefined();
    });

    it('views are appended with time, notice, link and result; no client address unless given', async () => {
      const t = open();
      const n = notice();
      const l = link(n.id, randomLinkToken());
      await t.record(hookCall({ notice: n, noticeLink: l }));
      await t.store.recordView({ viewedAt: '2025-03-02T01:00:00.000Z', noticeId: n.id, linkId: l.id, result: 'shown' });
      await t.store.recordView({
        viewedAt: '2025-04-02T01:00:00.000Z',
        noticeId: n.id,
        linkId: l.id,
        result: 'expired',
        clientAddress: '203.0.113.0/24',
      });
      await t.store.recordView({ viewedAt: '2025-04-03T01:00:00.000Z', noticeId: n.id, result: 'unknown' });
      expect(await t.store.listViews(n.id)).toEqual([
        { viewedAt: '2025-03-02T01:00:00.000Z', noticeId: n.id, linkId: l.id, result: 'shown' },
        { viewedAt: '2025-04-02T01:00:00.000Z', noticeId: n.id, linkId: l.id, result: 'expired', clientAddress: '203.0.113.0/24' },
        { viewedAt: '2025-04-03T01:00:00.000Z', noticeId: n.id, result: 'unknown' },
      ]);
    });
  });
}
