import { z } from 'zod';
import { LOCALES, type Locale } from '../../render/messages.js';
import { art27TextsSchema } from './art27-schema.js';

/**
 * HOW A NOTICE TEMPLATE PLUGS IN (read this first).
 *
 * A written notice is pure data fixed when the card is issued and hashed (content.ts,
 * canonical JSON per RFC 8785). Its content is a discriminated union on `template`:
 *   - `'art25'`: the prenatal-diagnosis notice of ZJ-2023 Art.25 / PDM Art.20 (built by content.ts);
 *   - `'art27'`: the notice of an abnormal prenatal-diagnosis result (ZJ-2023 Art.27, rule
 *     `abnormal-result-notice`).
 * Every template shares the header (`noticeHeaderShape`: noticeId, issuedAt/issuedOn, the woman's
 * identity and record number, institution, physician, pregnancy, `languages`) and adds its own
 * body. To add or complete a template:
 *   1. Schema: a `z.object({ ...noticeHeaderShape, template: z.literal('…'), …body })` here, added
 *      to `noticeContentSchema`'s union. The body holds the physician's register (rules, codes,
 *      evidence references — for the card and the audit) and, per locale in `languages`, the
 *      woman's register: every sentence she is told, as plain words (no codes, no resource
 *      references, no abbreviations), so the printed page cannot drift from what was hashed.
 *   2. Builder: a function returning that content; build the header with `noticeHeader()` from
 *      content.ts (record number, physician name, ages, institution) so both templates agree.
 *   3. Page section: a body renderer for `GET /notices/{id}` registered in page.ts
 *      (`TEMPLATE_BODIES`); page.ts draws the shared frame (title block, facts table, running
 *      footer with name, record number, notice number and page x of y, hash line, the woman's
 *      copy) around it. `art27` has a generic renderer of `texts[locale].sections` until its own.
 *   4. Texts: catalogue keys under `notice.<template>.*` in cds-hooks/messages/*.json; only page
 *      chrome (headings, signature labels) is read at print time, everything else is stored.
 * Parsed with this schema when read back from the store (`StoredNotice.content` is `unknown`).
 * Strings are plain text; record-derived parts carry FSI…PDI isolates (src/render/isolate.ts) and
 * are escaped by the renderer.
 */
const institutionSchema = z.object({
  id: z.string().optional(),
  name: z.string().min(1),
  address: z.string().optional(),
  phone: z.string().optional(),
});

const localeSchema = z.enum(LOCALES);

/** Fields every notice template carries. */
export const noticeHeaderShape = {
  schemaVersion: z.literal(2),
  noticeId: z.string().min(1),
  /** Instant the notice was issued (ISO 8601) and the clinic calendar day. */
  issuedAt: z.string(),
  issuedOn: z.string(),
  patientId: z.string().min(1),
  /** Patient.identifier value of the configured record-number system (MRN_SYSTEM); absent when none. */
  recordNumber: z.string().optional(),
  /** The issuing physician: the user's reference, and the name printed from her Practitioner. */
  physician: z.object({ reference: z.string().optional(), name: z.string().optional() }),
  encounter: z.string().optional(),
  /**
   * The issuing institution by its real name, never a placeholder; absent only outside production
   * (no PUBLIC_BASE_URL), where the page leaves a line to write it on (docs/design.md#written-notice).
   */
  institution: institutionSchema.optional(),
  woman: z.object({
    /** Patient-derived. */
    name: z.string().optional(),
    birthDate: z.string().optional(),
    /** Full years (周岁) on the issue day and at the EDD; absent when not derivable. */
    ageYears: z.number().int().nonnegative().optional(),
    ageAtEddYears: z.number().int().nonnegative().optional(),
  }),
  pregnancy: z.object({
    edd: z.string().optional(),
    eddSource: z.string().optional(),
    lmp: z.string().optional(),
    ga: z.string().optional(),
    gaDays: z.number().int().optional(),
  }),
  /** The language versions the content holds — all of them are covered by the hash. */
  languages: z.array(localeSchema).min(1),
} as const;

/** The physician's register of a finding (as in the card extension): rule, citation, evidence references, params. */
const physicianFindingSchema = z.object({
  rule: z.string(),
  citation: z.string(),
  evidence: z.array(z.string()),
  params: z.record(z.string(), z.unknown()),
});

/** The woman's register of a finding: plain words only. */
const womanFindingSchema = z.object({
  rule: z.string(),
  label: z.string(),
  sentence: z.string(),
  /** The legal basis written out (《…》第二十四条第（五）项). */
  legalBasis: z.string(),
  evidence: z.array(z.string()),
});

const procedureSchema = z.enum(['cvs', 'amniocentesis', 'cordocentesis']);

/** Where she stands against each procedure window (policy.procedureWindows), as dates. */
const timingSchema = z.object({
  gaDays: z.number().int().optional(),
  windows: z.array(
    z.object({
      procedure: procedureSchema,
      status: z.enum(['passed', 'open', 'upcoming', 'unknown']),
      /** First and last day of the window (YYYY-MM-DD) from the EDD; `until` absent when open-ended. */
      from: z.string().optional(),
      until: z.string().optional(),
    }),
  ),
  /** The day to come back by when she has not yet decided. */
  comeBackBy: z.string(),
});

const art25TextsSchema = z.object({
  indications: z.array(womanFindingSchema),
  /** Why the notice is given: the articles that apply to these findings, written out. */
  legalBasis: z.string(),
  recommendation: z.string(),
  about: z.array(z.string()),
  timing: z.array(z.string()),
  declining: z.array(z.string()),
  choice: z.string(),
  choices: z.object({ accept: z.string(), decline: z.string(), postponed: z.string() }),
});

export const art25ContentSchema = z.object({
  ...noticeHeaderShape,
  template: z.literal('art25'),
  /** The partner prenatal-diagnosis institution by name; absent (outside production) when none is configured. */
  referralInstitution: institutionSchema.optional(),
  /** Rule ids the notice covers (what the notice Communication's `notice-rules` lists). */
  rules: z.array(z.string()).min(1),
  indications: z.array(physicianFindingSchema),
  timing: timingSchema,
  texts: z.object({ 'zh-CN': art25TextsSchema, en: art25TextsSchema } satisfies Record<Locale, typeof art25TextsSchema>),
});

/** The Art. 27 notice's woman's register (rule `abnormal-result-notice`): art27-schema.ts. */
export const art27ContentSchema = z.object({
  ...noticeHeaderShape,
  template: z.literal('art27'),
  rules: z.array(z.string()).min(1),
  indications: z.array(physicianFindingSchema),
  texts: z.object({ 'zh-CN': art27TextsSchema, en: art27TextsSchema } satisfies Record<Locale, typeof art27TextsSchema>),
});

export const noticeContentSchema = z.discriminatedUnion('template', [art25ContentSchema, art27ContentSchema]);

export type NoticeContent = z.infer<typeof noticeContentSchema>;
export type Art25Content = z.infer<typeof art25ContentSchema>;
export type Art27Content = z.infer<typeof art27ContentSchema>;
export type NoticeHeader = Omit<Art25Content, 'template' | 'referralInstitution' | 'rules' | 'indications' | 'timing' | 'texts'>;
export type Art25Texts = z.infer<typeof art25TextsSchema>;
export type { Art27Texts } from './art27-schema.js';
export type NoticeTiming = z.infer<typeof timingSchema>;
export type NoticeInstitution = z.infer<typeof institutionSchema>;
export type NoticeProcedure = z.infer<typeof procedureSchema>;

/**
 * Whether stored content is a notice of the current schema. A notice stored in an earlier format
 * (schemaVersion 1, no `template`) is kept as it was but is neither drawn nor re-linked: its page
 * says so and the next call issues a new notice (docs/design.md#written-notice).
 */
export function isCurrentNoticeContent(content: unknown): boolean {
  return noticeContentSchema.safeParse(content).success;
}
