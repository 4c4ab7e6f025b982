import type { MchTechnique } from '../clinical/codes.js';
import { parseCsv } from '../csv/index.js';
import { CERTIFICATE_TYPES, INSTITUTION_ROLES, type CertificateType, type InstitutionRole } from '../orders/credential-records.js';
import { normalizeIdentifiers } from '../orders/registry-keys.js';
import type { ParsedImport, RejectedRow } from './import-result.js';
import { EMPTY_BATCH } from './import-result.js';
import type { CertificateRecord, LicenceRecord, RegistryBatch } from './registry-store.js';
import { DEFAULT_POLICY } from '../clinical/policy.js';
import type { RegistryIdentifierPolicy } from '../clinical/registry-identifiers.js';
import { certificateProblems, licenceProblems, mergeLicences, mergePractitioners, parseIdentifierCell } from './validate-records.js';

/**
 * Parses the registry CSV (column spec: src/registry/CSV.md) into registry records. Rows are
 * numbered like a spreadsheet (header = row 1); a row with any problem is rejected with every
 * reason, the others are accepted. A missing `kind`/`technique` column or an unknown column is a
 * file error (a typo must not silently drop data).
 */
export const CSV_COLUMNS = [
  'kind',
  'practitioner_id',
  'practitioner_name',
  'organization_id',
  'organization_name',
  'technique',
  'certificate_number',
  'certificate_type',
  'issuer',
  'valid_from',
  'valid_to',
  'last_training',
  'licence_number',
  'last_verified',
  'institution_role',
  'practitioner_identifier',
  'organization_identifier',
] as const;
type Column = (typeof CSV_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly Column[] = ['kind', 'technique'];

export function parseRegistryCsv(
  text: string,
  identifierPolicy: RegistryIdentifierPolicy = DEFAULT_POLICY.registryIdentifiers,
): ParsedImport {
  const { records, errors } = parseCsv(text);
  const header = records[0];
  if (!header) return { batch: EMPTY_BATCH, acceptedRows: 0, rejected: [], fileErrors: ['empty file: a header row is required'] };
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const unknown = names.filter((n) => !(CSV_COLUMNS as readonly string[]).includes(n));
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  const fileErrors = [
    ...unknown.map((n) => `unknown column "${n}"`),
    ...missing.map((n) => `missing column "${n}"`),
    ...[...new Set(dupes)].map((n) => `duplicate column "${n}"`),
  ];
  if (fileErrors.length > 0) return { batch: EMPTY_BATCH, acceptedRows: 0, rejected: [], fileErrors };

  const rejected: RejectedRow[] = errors.filter((e) => e.row > header.row).map((e) => ({ row: e.row, reasons: [e.message] }));
  const practitioners: RegistryBatch['practitioners'][number][] = [];
  const organizations: RegistryBatch['organizations'][number][] = [];
  const certificates: CertificateRecord[] = [];
  const licences: LicenceRecord[] = [];
  let acceptedRows = 0;

  for (const rec of records.slice(1)) {
    const get = (c: Column): string | undefined => {
      const i = names.indexOf(c);
      const v = i >= 0 ? rec.fields[i]?.trim() : undefined;
      return v ? v : undefined;
    };
    const reasons: string[] = [];
    if (rec.fields.length !== names.length) reasons.push(`expected ${names.length} fields, found ${rec.fields.length}`);
    const kind = get('kind');
    const techniques = (get('technique') ?? '')
      .split(';')
      .map((t) => t.trim())
      .filter(Boolean) as MchTechnique[];
    if (techniques.length === 0) reasons.push('technique is required');
    const opt = <K extends string>(k: K, v: string | undefined) => (v === undefined ? {} : { [k]: v });
    let subject: string | undefined;
    if (kind === 'certificate') {
      const practitionerId = get('practitioner_id') ?? '';
      const number = get('certificate_number');
      subject = `certificate ${number ?? '?'}`;
      const ids = parseIdentifierCell('practitioner_identifier', get('practitioner_identifier'), 'practitioner', identifierPolicy);
      reasons.push(...ids.problems);
      if (get('organization_identifier') !== undefined) reasons.push('organization_identifier belongs on licence rows');
      const type = get('certificate_type');
      if (type !== undefined && !(CERTIFICATE_TYPES as readonly string[]).includes(type))
        reasons.push(`certificate_type "${type}" is not one of ${CERTIFICATE_TYPES.join(', ')}`);
      const org = get('organization_id');
      const certs: CertificateRecord[] = techniques.map((technique) => ({
        practitionerId,
        technique,
        ...opt('number', number),
        ...opt('organizationId', org),
        ...(type !== undefined ? { type: type as CertificateType } : {}),
        ...opt('issuer', get('issuer')),
        ...opt('validFrom', get('valid_from')),
        ...opt('validTo', get('valid_to')),
        ...opt('lastTraining', get('last_training')),
      }));
      for (const c of certs) reasons.push(...certificateProblems(c).filter((m) => !reasons.includes(m)));
      if (reasons.length === 0) {
        practitioners.push({
          practitionerId,
          ...opt('name', get('practitioner_name')),
          organizationIds: org ? [org] : [],
          ...(ids.identifiers.length > 0 ? { identifiers: ids.identifiers } : {}),
        });
        certificates.push(...certs);
      }
    } else if (kind === 'licence') {
      const organizationId = get('organization_id') ?? '';
      const number = get('licence_number') ?? '';
      subject = `licence ${number || '?'}`;
      const ids = parseIdentifierCell('organization_identifier', get('organization_identifier'), 'organization', identifierPolicy);
      reasons.push(...ids.problems);
      if (get('practitioner_identifier') !== undefined) reasons.push('practitioner_identifier belongs on certificate rows');
      const role = get('institution_role');
      if (role !== undefined && !(INSTITUTION_ROLES as readonly string[]).includes(role))
        reasons.push(`institution_role "${role}" is not one of ${INSTITUTION_ROLES.join(', ')}`);
      const licence: LicenceRecord = {
        organizationId,
        number,
        techniques: [...new Set(techniques)],
        ...opt('validFrom', get('valid_from')),
        ...opt('validTo', get('valid_to')),
        ...opt('lastVerified', get('last_verified')),
      };
      reasons.push(...licenceProblems(licence).filter((m) => !reasons.includes(m)));
      if (reasons.length === 0) {
        organizations.push({
          organizationId,
          ...opt('name', get('organization_name')),
          ...(role ? { institutionRole: role as InstitutionRole } : {}),
          ...(ids.identifiers.length > 0 ? { identifiers: ids.identifiers } : {}),
        });
        licences.push(licence);
      }
    } else reasons.unshift(`kind must be "certificate" or "licence", found "${kind ?? ''}"`);
    if (reasons.length > 0) rejected.push({ row: rec.row, ...(subject ? { subject } : {}), reasons });
    else acceptedRows++;
  }
  rejected.sort((a, b) => a.row - b.row);
  return {
    batch: {
      practitioners: mergePractitioners(practitioners),
      organizations: mergeOrganizations(organizations),
      certificates,
      licences: mergeLicences(licences),
    },
    acceptedRows,
    rejected,
    fileErrors: [],
  };
}

function mergeOrganizations(list: RegistryBatch['organizations'][number][]): RegistryBatch['organizations'][number][] {
  const byId = new Map<string, RegistryBatch['organizations'][number]>();
  for (const o of list) {
    const old = byId.get(o.organizationId);
    const identifiers = normalizeIdentifiers([...(old?.identifiers ?? []), ...(o.identifiers ?? [])]);
    byId.set(o.organizationId, { ...old, ...o, ...(identifiers.length > 0 ? { identifiers } : {}) });
  }
  return [...byId.values()];
}
