import { z } from 'zod';

/**
 * The woman's register of the Art. 27 notice (ZJ-2023 Art.27; rule `abnormal-result-notice`), one
 * per locale: every sentence she is told, as plain words — no codes, no resource references — fixed
 * when the card is issued and covered by the hash (docs/design.md#written-notice). Only page chrome
 * (headings of the frame, the box glyph) is read at print time.
 */
export const art27TextsSchema = z.object({
  /** The article written out: 《浙江省母婴保健专项技术服务管理办法》第二十七条. */
  legalBasis: z.string(),
  /**
   * In order: the result, possible outcomes of continuing the pregnancy, of terminating it, the
   * further management proposed, the choice by both spouses, the next-of-kin path, the ethics committee.
   */
  sections: z.array(
    z.object({
      key: z.enum(['result', 'continuing', 'terminating', 'management', 'choice', 'capacity', 'ethics']),
      heading: z.string(),
      paragraphs: z.array(z.string()),
    }),
  ),
  /** The statement above the choice boxes, and the boxes: continue / terminate / not yet decided. */
  decision: z.object({
    statement: z.string(),
    choices: z.object({ continue: z.string(), terminate: z.string(), undecided: z.string() }),
  }),
  /** Signature blocks: the woman, her husband, the next of kin (when she lacks capacity), the physician. */
  signatures: z.array(
    z.object({
      role: z.enum(['woman', 'spouse', 'next-of-kin', 'physician']),
      label: z.string(),
      /** Fields written by hand after the signature (date, relationship…), labels in the locale. */
      fields: z.array(z.string()),
      /** A printed note under the block (e.g. when the next of kin signs; the physician's printed name). */
      note: z.string().optional(),
    }),
  ),
});

export type Art27Texts = z.infer<typeof art27TextsSchema>;
export type Art27SectionKey = Art27Texts['sections'][number]['key'];
