import type { FeedbackItem } from '../cds-hooks/feedback-schema.js';
import { AppError, type IssueDetail } from '../errors/app-error.js';
import type { FeedbackStore } from '../store/records.js';

/**
 * The bounds of one feedback call (docs/design.md#audit): what the audit may be asked to keep.
 * Both refuse the whole call with 400 `invalid-feedback` and store nothing.
 */

/** At most `max` items (FEEDBACK_MAX_ITEMS): checked before the items are validated one by one. */
export function assertFeedbackBound(body: unknown, max: number): void {
  const items = body !== null && typeof body === 'object' ? (body as { feedback?: unknown }).feedback : undefined;
  if (Array.isArray(items) && items.length > max) {
    throw new AppError('invalid-feedback', [{ path: 'feedback', message: `at most ${max} items per call (${items.length} sent)` }]);
  }
}

/**
 * Every item names a card this service answered to this EHR (issuer and tenant): feedback on a
 * card never issued — or issued to another EHR — is refused, each such item named by its path.
 */
export async function assertIssuedCards(
  store: FeedbackStore,
  origin: { readonly serviceId: string; readonly issuer: string; readonly tenant?: string | undefined },
  items: readonly FeedbackItem[],
): Promise<void> {
  const issued = await store.issuedCards({
    serviceId: origin.serviceId,
    issuer: origin.issuer,
    ...(origin.tenant !== undefined ? { tenant: origin.tenant } : {}),
    uuids: items.map((i) => i.card),
  });
  const unknown: IssueDetail[] = [];
  items.forEach((item, i) => {
    if (!issued.has(item.card))
      unknown.push({ path: `feedback[${i}].card`, message: 'no card with this uuid was issued by this service to this EHR' });
  });
  if (unknown.length > 0) throw new AppError('invalid-feedback', unknown.slice(0, 50));
}
