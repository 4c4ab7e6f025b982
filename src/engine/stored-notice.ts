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
  /**
   * `content` in RFC 8785 canonical form, exactly the text hashed into `hash`: stored as is
   * (docs/design.md#notice-reuse). Absent: the store writes it from `content`.
   */
  readonly canonical?: string;
  /** SHA-256 of the content without its per-issue fields, when the id was derived from it (docs/design.md#notice-reuse). */
  readonly substanceHash?: string;
}
