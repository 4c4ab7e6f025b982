/** A stored written notice (content fixed at card time, with its hash). */
export interface StoredNotice {
  readonly id: string;
  readonly createdAt: string;
  /** SHA-256 (hex) of the canonical JSON (sorted keys) of `content` (see src/referral/notice/content.ts). */
  readonly hash: string;
  readonly patientId: string;
  readonly institutionId?: string;
  /** The notice content, a pure data structure the notice page renders per locale. */
  readonly content: unknown;
}
