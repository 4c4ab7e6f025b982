import type { Request, RequestHandler } from 'express';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { hashLinkToken } from '../engine/notice-link.js';
import { AppError } from '../errors/app-error.js';
import { isCurrentNoticeContent } from '../referral/notice/content-schema.js';
import { renderEarlierFormatNoticePage } from '../referral/notice/earlier-format-page.js';
import { renderExpiredNoticePage } from '../referral/notice/expired-page.js';
import { renderNoticeHtml } from '../referral/notice/page.js';
import type { NoticeLinkRow, NoticeLinkStore, NoticeViewResult } from '../store/notice-links.js';
import type { NoticeStore } from '../store/records.js';
import { isLinkToken, isNoticeId } from './notice-id.js';
import { viewAddress } from './notice-view-address.js';
import { clientKey } from './auth-failure-limit.js';
import type { KeyedLimit } from './rate-limit.js';

export interface NoticePageDeps {
  readonly notices: NoticeStore & NoticeLinkStore;
  readonly clock: Clock;
  readonly config: Pick<Config, 'locale' | 'noticeViewAddress'>;
  /**
   * The per-address bucket of failed authentications (AUTH_FAILURE_LIMIT_PER_MINUTE): a request that
   * opens nothing takes from it like a failed EHR authentication; once the address has none left it is
   * answered 429 and not recorded, so guessing links can neither grow `notice_view` nor go on unbounded.
   */
  readonly failures?: KeyedLimit;
}

/** On every answer of the page, found or not: never cached, never indexed, no Referer onwards. */
const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Robots-Tag': 'noindex',
  'X-Content-Type-Options': 'nosniff',
};

const DAY_MS = 24 * 60 * 60 * 1000;

function pageLang(req: Request, defaultLocale: 'zh-CN' | 'en'): 'zh-CN' | 'en' {
  const q = req.query.lang;
  return q === 'en' ? 'en' : q === 'zh-CN' || q === 'zh' ? 'zh-CN' : defaultLocale;
}

/**
 * `GET /notices/{noticeId}?t=<token>` (docs/design.md#notice-links): the printable Art. 25 written
 * notice, as stored at card time (zh-CN, or `?lang=en`), opened by a link token. The token is looked
 * up by its SHA-256; a missing, malformed or wrong token and an unknown notice are the same 404. A
 * link past its expiry answers 410 with a page saying how to reprint from the EHR (nothing of the
 * woman on it); so does a notice stored in an earlier content format (its page says to print a new
 * one from the EHR; the stored notice is not changed). Every request is recorded (`notice_view`)
 * before it is answered: no unrecorded view.
 */
export function noticePageHandler(deps: NoticePageDeps): RequestHandler {
  return async (req, res) => {
    res.set(PAGE_HEADERS);
    const id = String(req.params.noticeId ?? '');
    const token = req.query.t;
    const viewedAt = deps.clock.now().instant;
    const clientAddress = viewAddress(deps.config.noticeViewAddress, req.ip ?? req.socket.remoteAddress);
    const record = (result: NoticeViewResult, link?: NoticeLinkRow) =>
      deps.notices.recordView({
        viewedAt,
        result,
        ...(isNoticeId(id) ? { noticeId: id } : {}),
        ...(link ? { linkId: link.id } : {}),
        ...(clientAddress ? { clientAddress } : {}),
      });
    const link =
      isNoticeId(id) && typeof token === 'string' && isLinkToken(token) ? await deps.notices.findLink(hashLinkToken(token)) : undefined;
    const notice = link?.noticeId === id ? await deps.notices.get(id) : undefined;
    if (!link || !notice) {
      const key = clientKey(req.ip ?? req.socket.remoteAddress);
      const decision = await deps.failures?.admit(key);
      if (decision?.admitted === false) {
        res.setHeader('Retry-After', String(decision.retryAfterSeconds));
        throw new AppError('rate-limited', [{ message: 'too many requests for notices that do not exist from this address' }]);
      }
      await record('unknown');
      throw new AppError('not-found');
    }
    const lang = pageLang(req, deps.config.locale);
    res.type('text/html; charset=utf-8');
    // Valid from issued-at up to, not including, expires-at.
    if (Date.parse(viewedAt) >= Date.parse(link.expiresAt)) {
      await record('expired', link);
      const days = Math.round((Date.parse(link.expiresAt) - Date.parse(link.issuedAt)) / DAY_MS);
      res.status(410).send(renderExpiredNoticePage({ noticeId: id, days, lang }));
      return;
    }
    // A notice stored in an earlier content format is kept, not drawn: 410 with how to print a new one.
    if (!isCurrentNoticeContent(notice.content)) {
      await record('earlier-format', link);
      res.status(410).send(renderEarlierFormatNoticePage({ noticeId: id, lang }));
      return;
    }
    await record('shown', link);
    res.status(200).send(renderNoticeHtml(notice, lang));
  };
}
