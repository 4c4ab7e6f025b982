import { lmpFromEdd, toDayNumber } from '../../calendar/index.js';
import { EDD_PRECEDENCE, type EddCandidate } from './edd-candidates.js';

/**
 * The best EDD of the most recent pregnancy in the record.
 *
 * docs/rules.md#best-edd gives a precedence between sources; it is silent on records that hold several
 * pregnancies. Applying the precedence blindly would let a 3-year-old clinical EDD beat this
 * pregnancy's ultrasound EDD. So: the most recently recorded candidate anchors the latest pregnancy;
 * candidates recorded before that pregnancy's LMP (anchor EDD − 280 d) belong to an earlier one and
 * are dropped ("evidence dated before the LMP is previous-pregnancy evidence"); the precedence then
 * picks among the rest, the most recent within a class. Undated candidates are used only when no
 * candidate is dated.
 */
export function bestEdd(candidates: readonly EddCandidate[]): EddCandidate | undefined {
  const dated = candidates.filter((c) => c.recorded);
  let pool: readonly EddCandidate[] = candidates;
  if (dated.length > 0) {
    const anchor = dated.reduce((a, b) => (b.recorded!.last > a.recorded!.last ? b : a));
    const start = toDayNumber(lmpFromEdd(anchor.edd))!;
    pool = dated.filter((c) => c.recorded!.last >= start);
    if (pool.length === 0) pool = [anchor];
  }
  for (const { source } of EDD_PRECEDENCE) {
    const inClass = pool.filter((c) => c.source === source);
    if (inClass.length === 0) continue;
    // Candidates arrive most recent first within a class (selectObservations order).
    return inClass[0];
  }
  return undefined;
}
