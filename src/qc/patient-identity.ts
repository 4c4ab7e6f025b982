import { createHmac } from 'node:crypto';

/**
 * Who sees which patient identity in QC (docs/design.md#patient-identity), a pure presenter: an
 * institution token — and a province token with `seesMrn` — sees the patient id and her record
 * number (MRN); any other province token sees a pseudonym stable per patient instead of both, and
 * the pregnancy id (which contains the patient id) pseudonymised too. The pseudonym is
 * `P-` + 16 base32 characters (80 bits) of HMAC-SHA-256(key, EHR + patient id): a patient id is
 * unique only within its EHR (docs/design.md#pregnancy-identity), so two women with one id in two
 * EHRs get two pseudonyms, while the same patient gets the same pseudonym in every report, on every
 * replica and after restarts, for as long as the key is kept; without the key it cannot be turned
 * back into the id. The members' `ehr` is for this only: no reader is sent it.
 */

/** The reader, structurally a `QcPrincipal` (src/auth/qc-auth.ts). */
export interface IdentityReader {
  readonly role: 'province' | 'institution';
  readonly seesMrn?: boolean;
}

/** The identity members of a case (`mrn` where the list has one: not the follow-up lists). */
export interface CaseIdentity {
  readonly patient: string;
  /** The EHR that owns `patient` (`<issuer>[ <tenant>]`), when known; dropped from what the reader sees. */
  readonly ehr?: string;
  readonly mrn?: string | null;
  readonly pregnancy: string;
}

export interface IdentityPresenter {
  /** Whether the reader sees patient ids and record numbers as stored. */
  readonly identified: boolean;
  /** A case with `patient`, `mrn` and `pregnancy` as the reader may see them, without `ehr`. */
  case<T extends CaseIdentity>(c: T): Omit<T, 'ehr'>;
  /** A patient id of the EHR `ehr` as the reader may see it (`null` stays `null`). */
  patient(id: string | null, ehr?: string): string | null;
  /** Evidence references of a patient's item: her `Patient/<id>` pseudonymised, any other reference naming her id replaced. */
  references(patient: string | null, refs: readonly string[], ehr?: string): string[];
}

/** Whether the reader sees patient ids and MRNs: an institution token, or a province token with `seesMrn`. */
export function seesIdentity(reader: IdentityReader): boolean {
  return reader.role === 'institution' || reader.seesMrn === true;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (no padding) of the first `chars` × 5 bits. */
function base32(bytes: Uint8Array, chars: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length >= chars) break;
  }
  return out;
}

const tag = (key: Uint8Array, text: string, chars: number): string =>
  base32(createHmac('sha256', key).update(text, 'utf8').digest(), chars);

/** What identifies a patient: her id alone without an EHR, else the EHR, a newline and the id. */
const scoped = (text: string, ehr: string | undefined): string => (ehr === undefined ? text : `${ehr}\n${text}`);

/** The patient's pseudonym: `P-` + 16 base32 characters of HMAC-SHA-256(key, patient id scoped by her EHR). */
export function pseudonym(patient: string, key: Uint8Array, ehr?: string): string {
  return `P-${tag(key, scoped(patient, ehr), 16)}`;
}

const EDD = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A pregnancy id without the patient id: `Patient/<id>|<EDD>` → `P-…|<EDD>`; the patient id itself
 * → her pseudonym; any other shape (an EpisodeOfCare reference, …) → `P-…|E-<10 base32 of its HMAC>`.
 */
function pseudonymousPregnancy(pregnancy: string, patient: string, key: Uint8Array, ehr: string | undefined): string {
  const p = pseudonym(patient, key, ehr);
  if (pregnancy === patient || pregnancy === `Patient/${patient}`) return p;
  for (const prefix of [`Patient/${patient}|`, `${patient}|`]) {
    if (pregnancy.startsWith(prefix) && EDD.test(pregnancy.slice(prefix.length))) return `${p}|${pregnancy.slice(prefix.length)}`;
  }
  return `${p}|E-${tag(key, scoped(`pregnancy:${pregnancy}`, ehr), 10)}`;
}

function withoutEhr<T extends CaseIdentity>(c: T): Omit<T, 'ehr'> {
  const { ehr: _ehr, ...rest } = c;
  return rest;
}

const IDENTIFIED: IdentityPresenter = {
  identified: true,
  case: withoutEhr,
  patient: (id) => id,
  references: (_patient, refs) => [...refs],
};

/**
 * The presenter for `reader`. A reader who does not see identities needs `key` (QC_PSEUDONYM_SECRET
 * or the stored one); a missing key then is a bug, not a reason to show ids.
 */
export function identityPresenter(reader: IdentityReader, key?: Uint8Array): IdentityPresenter {
  if (seesIdentity(reader)) return IDENTIFIED;
  if (!key || key.length === 0) throw new TypeError('a pseudonymising QC presenter needs its key');
  const patient = (id: string | null, ehr?: string) => (id === null ? null : pseudonym(id, key, ehr));
  return {
    identified: false,
    case: (c) => ({
      ...withoutEhr(c),
      patient: pseudonym(c.patient, key, c.ehr),
      pregnancy: pseudonymousPregnancy(c.pregnancy, c.patient, key, c.ehr),
      ...('mrn' in c ? { mrn: null } : {}),
    }),
    patient,
    references: (id, refs, ehr) =>
      refs.map((ref) => {
        if (id === null || !ref.includes(id)) return ref;
        const slash = ref.indexOf('/');
        const type = slash > 0 ? ref.slice(0, slash) : 'Resource';
        return ref === `Patient/${id}`
          ? `Patient/${pseudonym(id, key, ehr)}`
          : `${type}/R-${tag(key, scoped(`reference:${ref}`, ehr), 10)}`;
      }),
  };
}
