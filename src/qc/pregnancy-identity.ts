import { fromDayNumber, instantDay, parseFhirDate, toDayNumber, type DayNumber } from '../calendar/index.js';

/**
 * Pregnancy identity (docs/design.md#pregnancy-identity): which hook calls, notices and follow-up
 * events are about the same pregnancy. Pure; the audit store and the bulk audit feed it sightings.
 */

/**
 * The EHR that owns a patient id: the call's verified issuer and tenant (one issuer with several
 * tenants is several EHRs). A FHIR patient id is unique only within its EHR, so every grouping of
 * patients is scoped by it (docs/design.md#pregnancy-identity); both absent is one unnamed EHR
 * (the bulk audit: one export).
 */
export interface PatientScope {
  readonly issuer?: string;
  readonly tenant?: string;
}

/** A patient id with the EHR that owns it. */
export interface ScopedPatient extends PatientScope {
  readonly patientId: string;
}

/** The EHR as one string: `<issuer>`, or `<issuer> <tenant>` (an issuer is a URI: no space); `undefined` for none. */
export function ehrOf(s: PatientScope): string | undefined {
  if (s.issuer === undefined && s.tenant === undefined) return undefined;
  return s.tenant === undefined ? (s.issuer ?? '') : `${s.issuer ?? ''} ${s.tenant}`;
}

/** An id (a pregnancy's, a patient's) made unique across EHRs: `<id>` + newline + EHR; the id alone without one. */
function scoped(id: string, ehr: string | undefined): string {
  return ehr === undefined ? id : `${id}\n${ehr}`;
}

/**
 * What a report shows of a pregnancy id of `PregnancyIndex`: the raw key without its EHR (two women
 * of two EHRs with the same patient id and EDD show the same key; their cases differ by institution
 * and EHR, docs/design.md#pregnancy-identity).
 */
export function shownPregnancy(id: string): string {
  const nl = id.indexOf('\n');
  return nl < 0 ? id : id.slice(0, nl);
}

/** One hook call's pregnancy facts (or a row carrying its call's facts). */
export interface PregnancySighting extends PatientScope {
  readonly patientId?: string;
  /** The call's raw key: `Patient/p|<best EDD>` or `EpisodeOfCare/x`. */
  readonly pregnancyKey?: string;
  /** The call's best EDD (YYYY-MM-DD); read from a `Patient/p|YYYY-MM-DD` key when absent. */
  readonly edd?: string;
  /** When the call was received (an instant). */
  readonly receivedAt: string;
}

/** A record that a pregnancy ended (delivery, termination, loss). */
export interface PregnancyEnd extends PatientScope {
  readonly patientId: string;
  /** YYYY-MM-DD; a partial FHIR date (`2027`, `2027-05`) counts from its first day. */
  readonly on: string;
}

export interface Pregnancy {
  /** Unique across EHRs: the raw key of its earliest sighting (the episode reference when that sighting had one), scoped by its EHR when there is one (`shownPregnancy` gives the key). */
  readonly id: string;
  readonly patientId: string;
  /** The EHR that owns `patientId` (`ehrOf`), absent for none. */
  readonly ehr?: string;
  /** The latest best EDD (of the latest sighting that had one). */
  readonly edd?: string;
  /** The EDD of its earliest sighting that had one. */
  readonly firstEdd?: string;
  /** The first EpisodeOfCare reference seen for it. */
  readonly episode?: string;
  readonly firstSeenAt: string;
  /** The day of the end record that closed it. */
  readonly endedOn?: string;
}

export interface PregnancyIndex {
  /** The pregnancy a call (or a row carrying its call's facts) belongs to; undefined when it names no patient. Falls back to the patient id as today when the call had no key. */
  of(s: Pick<PregnancySighting, 'patientId' | 'pregnancyKey' | 'edd' | 'issuer' | 'tenant'>): string | undefined;
  /** The pregnancy of that patient whose window [LMP of its first EDD (EDD−280 d) − 14 d, its end or latest EDD + 42 d] contains the day; undefined if none (used to attribute follow-up events — procedures, results, deliveries — observed in later calls, even calls after delivery that carry no pregnancy key). */
  on(patient: string | ScopedPatient, day: string): Pregnancy | undefined;
  get(id: string): Pregnancy | undefined;
  /** Every pregnancy, by patient then first sighting. */
  all(): readonly Pregnancy[];
}

export interface PregnancyIdentityOptions {
  /** PREGNANCY_EDD_TOLERANCE_DAYS: an EDD at most this many days from the open pregnancy's latest EDD joins it. */
  readonly toleranceDays: number;
  readonly ends?: readonly PregnancyEnd[];
  /** CLINIC_TIMEZONE: the calendar day of a sighting's `receivedAt` (default UTC). */
  readonly timeZone?: string;
}

/** Days from the LMP to the EDD (Naegele). */
const TERM_DAYS = 280;
/** The window opens this many days before the LMP (an EDD estimate's uncertainty). */
const BEFORE_LMP_DAYS = 14;
/** The puerperium (产褥期): the window closes this many days after the latest EDD when no end is recorded. */
const PUERPERIUM_DAYS = 42;

interface Draft {
  readonly id: string;
  readonly patientId: string;
  readonly ehr: string | undefined;
  readonly firstSeenAt: string;
  readonly firstSeenDay: DayNumber;
  lastSeenDay: DayNumber;
  firstEdd?: DayNumber;
  latestEdd?: DayNumber;
  episode?: string;
  endedOn?: DayNumber;
}

interface PatientIndex {
  readonly drafts: Draft[];
  readonly byEpisode: Map<string, Draft>;
  readonly byEdd: Map<DayNumber, Draft>;
  readonly ends: readonly DayNumber[];
}

interface Normal {
  readonly patientId?: string;
  /** The patient id scoped by its EHR: the key of her pregnancies. */
  readonly patient?: string;
  readonly ehr?: string;
  readonly episode?: string;
  readonly edd?: DayNumber;
}

/**
 * Resolves sightings into pregnancies (docs/design.md#pregnancy-identity). Per patient, in time
 * order (sorted here, so the input order does not matter), a sighting joins: the pregnancy of its
 * EpisodeOfCare; else the pregnancy that already holds its exact EDD; else the patient's latest
 * pregnancy when its EDD is within `toleranceDays` of that pregnancy's latest EDD and no end
 * separates them (an end on or after the pregnancy's LMP, with the new EDD's LMP after it);
 * else it opens a new pregnancy. An episode seen with an EDD is linked to that EDD's pregnancy.
 */
export function resolvePregnancies(sightings: Iterable<PregnancySighting>, opts: PregnancyIdentityOptions): PregnancyIndex {
  const timeZone = opts.timeZone ?? 'UTC';
  const endsOf = new Map<string, DayNumber[]>();
  for (const e of opts.ends ?? []) {
    const day = parseFhirDate(e.on, timeZone)?.first;
    const patient = scoped(e.patientId, ehrOf(e));
    if (day !== undefined) endsOf.set(patient, [...(endsOf.get(patient) ?? []), day]);
  }
  const sorted = [...sightings]
    .map((s) => ({ s, n: normalize(s), at: Date.parse(s.receivedAt) }))
    .filter((x) => x.n.patientId !== undefined && (x.n.episode !== undefined || x.n.edd !== undefined) && !Number.isNaN(x.at))
    .sort((a, b) => a.at - b.at || cmp(a.s.pregnancyKey, b.s.pregnancyKey) || cmp(a.s.edd, b.s.edd) || cmp(a.n.patient, b.n.patient));

  const patients = new Map<string, PatientIndex>();
  /** Pregnancy id → the (EHR-scoped) patient whose it is. */
  const owners = new Map<string, string>();
  for (const { s, n } of sorted) {
    const patientId = n.patientId!;
    const patient = n.patient!;
    let ix = patients.get(patient);
    if (!ix) {
      ix = { drafts: [], byEpisode: new Map(), byEdd: new Map(), ends: (endsOf.get(patient) ?? []).sort((a, b) => a - b) };
      patients.set(patient, ix);
    }
    const day = toDayNumber(instantDay(s.receivedAt, timeZone))!;
    let p =
      (n.episode && ix.byEpisode.get(n.episode)) ||
      (n.edd !== undefined ? ix.byEdd.get(n.edd) : undefined) ||
      joinable(ix, n, day, opts.toleranceDays);
    if (!p) {
      let id = scoped(s.pregnancyKey ?? `Patient/${patientId}|${fromDayNumber(n.edd!)}`, n.ehr);
      // An episode id another woman of the EHR already has (a malformed or copied record): her own
      // case all the same, the key followed by her patient reference (`EpisodeOfCare/x|Patient/p`).
      if ((owners.get(id) ?? patient) !== patient) id = scoped(`${s.pregnancyKey}|Patient/${patientId}`, n.ehr);
      owners.set(id, patient);
      p = { id, patientId, ehr: n.ehr, firstSeenAt: s.receivedAt, firstSeenDay: day, lastSeenDay: day };
      ix.drafts.push(p);
    }
    p.lastSeenDay = Math.max(p.lastSeenDay, day);
    if (n.episode && !ix.byEpisode.has(n.episode)) {
      ix.byEpisode.set(n.episode, p);
      p.episode ??= n.episode;
    }
    if (n.edd !== undefined) {
      p.firstEdd ??= n.edd;
      p.latestEdd = n.edd;
      if (!ix.byEdd.has(n.edd)) ix.byEdd.set(n.edd, p);
    }
  }

  const byId = new Map<string, Pregnancy>();
  const all: Pregnancy[] = [];
  for (const ix of patients.values()) {
    for (const d of ix.drafts) {
      d.endedOn = endOf(d, ix.ends);
      const p = toPregnancy(d);
      if (!byId.has(p.id)) byId.set(p.id, p);
      all.push(p);
    }
  }
  all.sort((a, b) => cmp(a.patientId, b.patientId) || cmp(a.ehr, b.ehr) || Date.parse(a.firstSeenAt) - Date.parse(b.firstSeenAt));

  return {
    of(s) {
      const n = normalize(s);
      if (n.patientId === undefined) return s.pregnancyKey && scoped(s.pregnancyKey, n.ehr);
      const ix = patients.get(n.patient!);
      const p =
        ix &&
        ((n.episode && ix.byEpisode.get(n.episode)) ||
          (n.edd !== undefined ? (ix.byEdd.get(n.edd) ?? nearest(ix, n.edd, opts.toleranceDays)) : undefined));
      if (p) return p.id;
      if (s.pregnancyKey) return scoped(s.pregnancyKey, n.ehr);
      return scoped(n.edd !== undefined ? `Patient/${n.patientId}|${fromDayNumber(n.edd)}` : n.patientId, n.ehr);
    },
    on(patient, day) {
      const n = parseFhirDate(day, timeZone)?.first;
      const ix = patients.get(typeof patient === 'string' ? patient : scoped(patient.patientId, ehrOf(patient)));
      if (n === undefined || !ix) return undefined;
      const hits = ix.drafts.filter((d) => windowOf(d).start <= n && n <= windowOf(d).end);
      // Where two windows overlap (the slack before an LMP), the pregnancy under way that day wins.
      hits.sort((a, b) => Number(n < coreStart(b)) - Number(n < coreStart(a)) || coreStart(b) - coreStart(a));
      return hits[0] && byId.get(hits[0].id);
    },
    get: (id) => byId.get(id),
    all: () => all,
  };
}

/** The patient's latest pregnancy, when the sighting continues it (see `resolvePregnancies`). */
function joinable(ix: PatientIndex, n: Normal, day: DayNumber, tolerance: number): Draft | undefined {
  const p = ix.drafts.at(-1);
  if (!p) return undefined;
  const end = endOf(p, ix.ends);
  if (n.edd === undefined) {
    // An episode not seen before: it continues an open pregnancy without one that is under way.
    if (p.episode !== undefined || (end !== undefined && end < day)) return undefined;
    const w = windowOf(p);
    return w.start <= day && day <= w.end ? p : undefined;
  }
  if (end !== undefined && n.edd - TERM_DAYS > end) return undefined;
  if (p.latestEdd !== undefined) return Math.abs(n.edd - p.latestEdd) <= tolerance ? p : undefined;
  // A pregnancy known only by its episode: the EDD continues it when she was seen in that EDD's window.
  return n.edd - TERM_DAYS - BEFORE_LMP_DAYS <= p.lastSeenDay && p.lastSeenDay <= n.edd + PUERPERIUM_DAYS ? p : undefined;
}

/** For an EDD no sighting had: the patient's latest pregnancy whose latest EDD is within tolerance. */
function nearest(ix: PatientIndex, edd: DayNumber, tolerance: number): Draft | undefined {
  return ix.drafts.findLast((d) => d.latestEdd !== undefined && Math.abs(edd - d.latestEdd) <= tolerance);
}

/** Where the pregnancy certainly was under way: its LMP (first EDD − 280 d), else its first sighting. */
function coreStart(d: Draft): DayNumber {
  return d.firstEdd !== undefined ? d.firstEdd - TERM_DAYS : d.firstSeenDay;
}

/** The earliest end on or after its start and by its latest EDD + 42 d (an end after that is another pregnancy's). */
function endOf(d: Draft, ends: readonly DayNumber[]): DayNumber | undefined {
  const start = coreStart(d);
  const limit = d.latestEdd !== undefined ? d.latestEdd + PUERPERIUM_DAYS : Number.POSITIVE_INFINITY;
  return ends.find((e) => e >= start && e <= limit);
}

function windowOf(d: Draft): { start: DayNumber; end: DayNumber } {
  const end = d.endedOn ?? (d.latestEdd !== undefined ? d.latestEdd + PUERPERIUM_DAYS : d.lastSeenDay + PUERPERIUM_DAYS);
  return { start: coreStart(d) - BEFORE_LMP_DAYS, end };
}

function toPregnancy(d: Draft): Pregnancy {
  return Object.freeze({
    id: d.id,
    patientId: d.patientId,
    ...(d.ehr !== undefined ? { ehr: d.ehr } : {}),
    firstSeenAt: d.firstSeenAt,
    ...(d.latestEdd !== undefined ? { edd: fromDayNumber(d.latestEdd) } : {}),
    ...(d.firstEdd !== undefined ? { firstEdd: fromDayNumber(d.firstEdd) } : {}),
    ...(d.episode !== undefined ? { episode: d.episode } : {}),
    ...(d.endedOn !== undefined ? { endedOn: fromDayNumber(d.endedOn) } : {}),
  });
}

const PATIENT_KEY = /^Patient\/([^|]+)\|(\d{4}-\d{2}-\d{2})$/;

function normalize(s: Pick<PregnancySighting, 'patientId' | 'pregnancyKey' | 'edd' | 'issuer' | 'tenant'>): Normal {
  const m = s.pregnancyKey ? PATIENT_KEY.exec(s.pregnancyKey) : null;
  const patientId = s.patientId ?? m?.[1];
  const ehr = ehrOf(s);
  const episode = s.pregnancyKey?.startsWith('EpisodeOfCare/') ? s.pregnancyKey : undefined;
  const edd = toDayNumber(s.edd ?? m?.[2] ?? '');
  return {
    ...(patientId ? { patientId, patient: scoped(patientId, ehr) } : {}),
    ...(ehr !== undefined ? { ehr } : {}),
    ...(episode ? { episode } : {}),
    ...(edd !== undefined ? { edd } : {}),
  };
}

function cmp(a: string | undefined, b: string | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}
