import type { Locale } from '../../render/messages.js';

/**
 * Words for the woman's register of the written notice (docs/design.md#written-notice): dates
 * written out (1989年3月15日 / 15 March 1989), gestational ages in weeks and days, and legal
 * citations written out in full (《浙江省母婴保健专项技术服务管理办法》第二十四条第（五）项) instead
 * of the physician's short form (ZJ-2023 Art.24(5)).
 */

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A FHIR date or dateTime as words: "1989年3月15日" / "15 March 1989"; partial dates as far as given. */
export function dateWords(date: string | undefined, l: Locale): string | undefined {
  if (!date) return undefined;
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(date);
  if (!m) return undefined;
  const [, y, mo, d] = m;
  const month = mo ? Number(mo) : undefined;
  const day = d ? Number(d) : undefined;
  if (month !== undefined && (month < 1 || month > 12)) return undefined;
  if (l === 'en') return [day, month ? MONTHS[month - 1] : undefined, y].filter((x) => x !== undefined).join(' ');
  return `${y}年${month ? `${month}月` : ''}${day ? `${day}日` : ''}`;
}

/** Gestational age in days as words: "孕17周3天" / "17 weeks and 3 days". */
export function gaWords(days: number, l: Locale): string {
  const w = Math.floor(days / 7);
  const d = days % 7;
  if (l === 'en') return d === 0 ? `${w} weeks` : `${w} weeks and ${d} day${d === 1 ? '' : 's'}`;
  return d === 0 ? `孕${w}周` : `孕${w}周${d}天`;
}

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1–99 in Chinese numerals (第二十四条). */
export function chineseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 99) return String(n);
  if (n < 10) return DIGITS[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones === 0 ? '' : DIGITS[ones]}`;
}

const LAWS: Readonly<Record<string, Readonly<Record<Locale, string>>>> = {
  'ZJ-2023': {
    'zh-CN': '《浙江省母婴保健专项技术服务管理办法》',
    en: 'the Zhejiang Provincial Measures for the Administration of Special Maternal and Infant Health Care Technical Services',
  },
  PDM: {
    'zh-CN': '《产前诊断技术管理办法》',
    en: 'the national Measures for the Administration of Prenatal Diagnosis Technology',
  },
};

interface Article {
  readonly article: number;
  readonly item?: number;
}

/** Parses "ZJ-2023 Art.9, Art.23; PDM Art.16" into laws with their articles; unknown parts are dropped. */
export function parseCitation(citation: string): { readonly law: string; readonly articles: readonly Article[] }[] {
  const out: { law: string; articles: Article[] }[] = [];
  for (const part of citation.split(';')) {
    const m = /^\s*(ZJ-2023|PDM)\s+(.*)$/.exec(part);
    if (!m) continue;
    const articles = [...m[2]!.matchAll(/Art\.\s*(\d+)(?:\((\d+)\))?/g)].map((a) => ({
      article: Number(a[1]),
      ...(a[2] ? { item: Number(a[2]) } : {}),
    }));
    if (articles.length) out.push({ law: m[1]!, articles });
  }
  return out;
}

function articleWords(a: Article, l: Locale): string {
  if (l === 'en') return a.item === undefined ? `Article ${a.article}` : `Article ${a.article}, item (${a.item})`;
  return `第${chineseNumber(a.article)}条${a.item === undefined ? '' : `第（${chineseNumber(a.item)}）项`}`;
}

/**
 * A citation written out: "《浙江省母婴保健专项技术服务管理办法》第二十四条第（五）项；《产前诊断技术管理办法》第十七条第（五）项"
 * / "Article 24, item (5) of the Zhejiang Provincial Measures …; Article 17, item (5) of …".
 * An unrecognised citation gives "" (never the raw abbreviation on her page).
 */
export function citationWords(citation: string, l: Locale): string {
  return parseCitation(citation)
    .map(({ law, articles }) => {
      const name = LAWS[law]![l];
      if (l === 'en') return `${articles.map((a) => articleWords(a, l)).join(' and ')} of ${name}`;
      return `${name}${articles.map((a) => articleWords(a, l)).join('、')}`;
    })
    .join(l === 'en' ? '; ' : '；');
}

/** The articles of the provincial measures (ZJ-2023) a citation names, e.g. [24] or [9, 23]. */
export function provincialArticles(citation: string): number[] {
  return parseCitation(citation)
    .filter((c) => c.law === 'ZJ-2023')
    .flatMap((c) => c.articles.map((a) => a.article));
}

/** The provincial measures' name in the locale (for sentences naming an article of it). */
export function provincialLaw(l: Locale): string {
  return LAWS['ZJ-2023']![l];
}

/** "第九条、第二十三条" / "Articles 9 and 23". */
export function articlesWords(articles: readonly number[], l: Locale): string {
  const uniq = [...new Set(articles)].sort((a, b) => a - b);
  if (l === 'en') {
    const list = uniq.length <= 1 ? uniq.join('') : `${uniq.slice(0, -1).join(', ')} and ${uniq.at(-1)}`;
    return `${uniq.length === 1 ? 'Article' : 'Articles'} ${list}`;
  }
  return uniq.map((a) => `第${chineseNumber(a)}条`).join('、');
}

/** A unit in words: cm → 厘米 / cm, mm → 毫米 / mm. */
export function unitWords(unit: string | undefined, l: Locale): string {
  if (l === 'en') return unit ?? '';
  return unit === 'cm' ? '厘米' : unit === 'mm' ? '毫米' : (unit ?? '');
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/u;
const LATIN = /[A-Za-z]/;

/** Record text fit for her page in this locale: Chinese words without Latin letters (zh), Latin words (en). */
export function plainRecordText(texts: readonly (string | undefined)[], l: Locale): string | undefined {
  const usable = texts.map((t) => t?.trim()).filter((t): t is string => !!t);
  if (l === 'zh-CN') return usable.find((t) => CJK.test(t) && !LATIN.test(t));
  return usable.find((t) => LATIN.test(t) && !CJK.test(t) && !/^[A-Z]?\d[\d.]*$/.test(t)) ?? usable.find((t) => CJK.test(t));
}
