import { z } from 'zod';
import type { Locale } from '../../render/messages.js';

/**
 * The written notice (ZJ-2023 Art.25; PDM Art.20) as pure data, fixed when the card is issued and
 * hashed (notice-content.ts). It holds the woman's data, the indications with their evidence and
 * legal basis, and — in every locale — the very sentences she is told (indications,
 * recommendation, what prenatal diagnosis involves, Art. 22 informed choice), so the printed
 * notice cannot drift from what was hashed when the catalogue wording changes later. Only page
 * chrome (headings, signature lines) comes from the catalogue at print time.
 *
 * Parsed with this schema when read back from the store (`StoredNotice.content` is `unknown`).
 * Strings are plain text; patient-derived ones (name, evidence lines) are escaped by the renderer.
 */
const institutionSchema = z.object({
  id: z.string().optional(),
  name: z.string(),
  address: z.string().optional(),
  phone: z.string().optional(),
});

const indicationTextSchema = z.object({
  rule: z.string(),
  label: z.string(),
  sentence: z.string(),
  citation: z.string(),
  evidence: z.array(z.string()),
});

const localeTextsSchema = z.object({
  indications: z.array(indicationTextSchema),
  recommendation: z.string(),
  about: z.array(z.string()),
  choice: z.string(),
  /** Articles the notice as a whole rests on. */
  legalBasis: z.string(),
});

export const noticeContentSchema = z.object({
  schemaVersion: z.literal(1),
  noticeId: z.string().min(1),
  /** Instant the notice was issued (ISO 8601) and the clinic calendar day. */
  issuedAt: z.string(),
  issuedOn: z.string(),
  patientId: z.string().min(1),
  practitioner: z.string().optional(),
  encounter: z.string().optional(),
  institution: institutionSchema,
  referralInstitution: institutionSchema,
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
  /** Rule ids the notice covers (what the notice Communication's `notice-rules` lists). */
  rules: z.array(z.string()).min(1),
  /** The findings as in the card extension (rule, citation, evidence, params). */
  indications: z.array(
    z.object({
      rule: z.string(),
      citation: z.string(),
      evidence: z.array(z.string()),
      params: z.record(z.string(), z.unknown()),
    }),
  ),
  /** What the woman is told, in every locale of the catalogues. */
  texts: z.object({ 'zh-CN': localeTextsSchema, en: localeTextsSchema } satisfies Record<Locale, typeof localeTextsSchema>),
});

export type NoticeContent = z.infer<typeof noticeContentSchema>;
export type NoticeLocaleTexts = z.infer<typeof localeTextsSchema>;
export type NoticeInstitution = z.infer<typeof institutionSchema>;
