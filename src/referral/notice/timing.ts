import { addDays } from '../../calendar/index.js';
import type { Policy } from '../../clinical/policy.js';
import type { Locale } from '../../render/messages.js';
import type { NoticeProcedure, NoticeTiming } from './content-schema.js';
import { noticeMessage as nm } from './messages.js';
import { dateWords, gaWords } from './words.js';

/**
 * The timing paragraph of the Art. 25 notice (docs/design.md#written-notice): where she stands,
 * on the issue day, against the usual windows of invasive prenatal diagnosis
 * (policy.PROCEDURE_WINDOWS: CVS 11+0..13+6, amniocentesis 16+0..22+6, cordocentesis from 18+0),
 * as dates from her EDD: what is still possible and by when, what has passed, and the day to come
 * back by when she has not decided (a week from the issue day, or sooner when a window she is in
 * closes sooner — never before the issue day).
 */
export const PROCEDURES: readonly NoticeProcedure[] = ['cvs', 'amniocentesis', 'cordocentesis'];

/** Days she is given to come back with a decision (sooner when an open window closes first). */
export const COME_BACK_DAYS = 7;

export function noticeTiming(gaDays: number | undefined, today: string, policy: Policy): NoticeTiming {
  const comeBackDefault = addDays(today, COME_BACK_DAYS);
  if (gaDays === undefined || gaDays < 0) {
    return { windows: PROCEDURES.map((procedure) => ({ procedure, status: 'unknown' as const })), comeBackBy: comeBackDefault };
  }
  const dayOf = (ga: number) => addDays(today, ga - gaDays);
  const windows = PROCEDURES.map((procedure) => {
    const w = policy.PROCEDURE_WINDOWS[procedure];
    const status =
      w.toDays !== undefined && gaDays > w.toDays ? ('passed' as const) : gaDays >= w.fromDays ? ('open' as const) : ('upcoming' as const);
    return { procedure, status, from: dayOf(w.fromDays), ...(w.toDays !== undefined ? { until: dayOf(w.toDays) } : {}) };
  });
  // The soonest end of a window she is in now, when it comes before a week is up.
  const closing = windows
    .filter((w) => w.status === 'open' && w.until !== undefined)
    .map((w) => w.until!)
    .sort()[0];
  const comeBackBy = closing !== undefined && closing < comeBackDefault ? closing : comeBackDefault;
  return { gaDays, windows, comeBackBy };
}

function windowWords(procedure: NoticeProcedure, policy: Policy, l: Locale): string {
  const w = policy.PROCEDURE_WINDOWS[procedure];
  return w.toDays === undefined
    ? nm(l, 'timing.window.from', { from: gaWords(w.fromDays, l) })
    : nm(l, 'timing.window.between', { from: gaWords(w.fromDays, l), to: gaWords(w.toDays, l).replace(/^孕/, '') });
}

/**
 * The paragraph in words: "您今天（2026年9月1日）孕17周。绒毛取样的通常时间（孕11周至孕13周6天）已经过去。
 * 羊膜腔穿刺通常在孕16周至孕22周6天进行，您现在正处于这一时期，最晚可在2026年…完成。…"
 */
export function timingParagraphs(t: NoticeTiming, today: string, policy: Policy, l: Locale): string[] {
  const d = (x: string | undefined) => dateWords(x, l) ?? '';
  const comeBackBy = d(t.comeBackBy);
  if (t.gaDays === undefined) return [nm(l, 'timing.unknown'), nm(l, 'timing.soon', { comeBackBy })];
  const lines = [nm(l, 'timing.now', { today: d(today), ga: gaWords(t.gaDays, l).replace(/^孕/, '') })];
  for (const w of t.windows) {
    const procedure = nm(l, `timing.procedure.${w.procedure}`);
    const window = windowWords(w.procedure, policy, l);
    const values = { procedure, window, from: d(w.from), until: d(w.until) };
    if (w.status === 'passed')
      lines.push(nm(l, 'timing.passed', { ...values, procedure: l === 'en' ? procedure.toLowerCase() : procedure }));
    else if (w.status === 'open') lines.push(nm(l, w.until ? 'timing.open' : 'timing.open.noEnd', values));
    else lines.push(nm(l, w.until ? 'timing.upcoming' : 'timing.upcoming.noEnd', values));
  }
  const late = !t.windows.some((w) => w.status === 'upcoming' || (w.status === 'open' && w.until !== undefined));
  const first = lines.shift()!;
  return [
    `${first}${l === 'en' ? ' ' : ''}${lines.join(l === 'en' ? ' ' : '')}`,
    nm(l, late ? 'timing.late' : 'timing.soon', { comeBackBy }),
  ];
}
