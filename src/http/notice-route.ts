import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';
import { renderNoticeHtml } from '../referral/notice/page.js';
import type { NoticeStore } from '../store/records.js';
import { isNoticeId } from './notice-id.js';

/**
 * `GET /notices/{noticeId}` (docs/design.md#written-notice): the printable Art. 25 written notice, as stored at card
 * time (zh-CN, or `?lang=en`). No scripts, no external resources: a strict CSP says so.
 */
export function noticePageHandler(notices: NoticeStore, defaultLocale: 'zh-CN' | 'en'): RequestHandler {
  return async (req, res) => {
    const id = String(req.params.noticeId ?? '');
    if (!isNoticeId(id)) throw new AppError('not-found');
    const notice = await notices.get(id);
    if (!notice) throw new AppError('not-found');
    const q = req.query.lang;
    const lang = q === 'en' ? 'en' : q === 'zh-CN' || q === 'zh' ? 'zh-CN' : defaultLocale;
    res
      .status(200)
      .set({
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy':
          "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
        'Cache-Control': 'private, no-store',
        'Referrer-Policy': 'no-referrer',
        'X-Content-Type-Options': 'nosniff',
      })
      .send(renderNoticeHtml(notice, lang));
  };
}
