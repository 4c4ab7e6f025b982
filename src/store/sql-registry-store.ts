import type {
  BusinessIdentifier,
  CertificateRecord,
  LicenceRecord,
  OrganizationCredentials,
  OrganizationKeys,
  PractitionerCredentials,
  PractitionerKeys,
  RegistryBatch,
  RegistryFind,
  RegistryContents,
  RegistryStore,
  UpsertSummary,
} from '../registry/registry-store.js';
import {
  certificateKey,
  mergeOrgInfo,
  mergePractitionerInfo,
  organizationCredentials,
  practitionerCredentials,
  type OrgInfo,
  type PractitionerInfo,
} from '../registry/memory-registry-store.js';
import { findHolder } from '../orders/registry-keys.js';
import { canonicalJson } from '../canonical-json.js';
import { REGISTRY_CHANNEL } from './registry-notifications.js';
import { json } from './row-values.js';
import type { Sql } from './sql.js';

/** Advisory lock key serialising registry imports (counts stay exact when two run at once). */
export const REGISTRY_LOCK_KEY = '77362826';

type VersionRow = { key: string; extra: readonly (string | null)[]; record: unknown };
interface Kind {
  readonly table: string;
  readonly key: string;
  readonly extra: readonly string[];
}

const PRACTITIONER: Kind = { table: 'registry_practitioner_version', key: 'practitioner_id', extra: [] };
const ORGANIZATION: Kind = { table: 'registry_organization_version', key: 'organization_id', extra: [] };
const CERTIFICATE: Kind = {
  table: 'registry_certificate_version',
  key: 'certificate_key',
  extra: ['number', 'technique', 'practitioner_id'],
};
const LICENCE: Kind = { table: 'registry_licence_version', key: 'number', extra: ['organization_id'] };

/** A kind of holder: its facts (`info`), the records listed under it (`listed`) and their owner column. */
interface Holder {
  readonly kind: 'practitioner' | 'organization';
  readonly info: Kind;
  readonly listed: Kind;
  readonly owner: string;
}
const PRACTITIONERS: Holder = { kind: 'practitioner', info: PRACTITIONER, listed: CERTIFICATE, owner: 'practitioner_id' };
const ORGANIZATIONS: Holder = { kind: 'organization', info: ORGANIZATION, listed: LICENCE, owner: 'organization_id' };

/**
 * Current records of `kind` for `keys`, by key. Reads the version table, not the view: a filter on
 * the view is applied after its DISTINCT ON over the whole history, this one goes by the key index.
 */
async function current<T>(tx: Sql, kind: Kind, keys: readonly string[]): Promise<Map<string, T>> {
  if (keys.length === 0) return new Map();
  const rows = await tx.query<{ key: string; record: T }>(
    `SELECT DISTINCT ON (${kind.key}) ${kind.key} AS key, record FROM ${kind.table}
     WHERE ${kind.key} IN (SELECT jsonb_array_elements_text($1::jsonb)) ORDER BY ${kind.key}, seq DESC`,
    [json([...new Set(keys)])],
  );
  return new Map(rows.map((r) => [r.key, r.record]));
}

/**
 * One holder's current facts and the current records listed under them, in the order their keys
 * were first imported (the reference store's order), as two columns that go by indexes only (key,
 * seq) and the owner column (migration 0004): a read's cost does not grow with the registry. A
 * record is current when no later version of its key exists; it is listed under the owner its
 * current version names (a certificate number moved to another practitioner leaves). `id` is the
 * holder's id as an SQL expression.
 */
function holderColumns({ info, listed, owner }: Holder, id: string): string {
  return `(SELECT i.record FROM ${info.table} i WHERE i.${info.key} = ${id} ORDER BY i.seq DESC LIMIT 1) AS info,
  (SELECT COALESCE(jsonb_agg(c.record ORDER BY c.first_seq), '[]'::jsonb) FROM (
    SELECT v.record, (SELECT min(f.seq) FROM ${listed.table} f WHERE f.${listed.key} = v.${listed.key}) AS first_seq
    FROM ${listed.table} v
    WHERE v.${owner} = ${id}
      AND NOT EXISTS (SELECT 1 FROM ${listed.table} n WHERE n.${listed.key} = v.${listed.key} AND n.seq > v.seq)
  ) c) AS listed`;
}

/** Every holder of one kind named by a fact or a record version, with its columns (one left with nothing is dropped by the caller). */
function everyHolder(holder: Holder): string {
  const { kind, info, listed, owner } = holder;
  return `SELECT '${kind}' AS kind, h.id, ${holderColumns(holder, 'h.id')}
  FROM (SELECT ${info.key} AS id FROM ${info.table} UNION SELECT ${owner} FROM ${listed.table}) h`;
}

/** The hook-call reads of one holder (exported for the plan test: neither may scan a version table). */
export const REGISTRY_READS = {
  practitioner: `SELECT ${holderColumns(PRACTITIONERS, '$1')}`,
  organization: `SELECT ${holderColumns(ORGANIZATIONS, '$1')}`,
} as const;

/**
 * The holders of the rows `hit` finds, when the row is the current version of its key. The hits are
 * materialized first, so the key lookup (an index scan per key) is planned on its own and the
 * currency check is a SubPlan on the key index — no plan reads the version table whole.
 */
function currentHolders(kind: Kind, owner: string, hit: string): string {
  return `WITH hit AS MATERIALIZED (${hit})
  SELECT DISTINCT h.owner AS id FROM hit h
  WHERE h.seq = (SELECT n.seq FROM ${kind.table} n WHERE n.${kind.key} = h.key ORDER BY n.seq DESC LIMIT 1)`;
}

/**
 * Holders whose current facts carry any of the identifiers `$1` (a JSON array of `[{system, value}]`
 * singletons): `@>` per key through the GIN index of migration 0007.
 */
function byIdentifiers(info: Kind): string {
  return currentHolders(
    info,
    info.key,
    `SELECT v.${info.key} AS key, v.${info.key} AS owner, v.seq FROM jsonb_array_elements($1::jsonb) AS k(key)
    JOIN ${info.table} v ON (v.record -> 'identifiers') @> k.key`,
  );
}

/** Holders of the current certificates / licences numbered `$1` (JSON array of numbers), by the number index (`= ANY` of a btree). */
function byNumbers(listed: Kind, owner: string): string {
  return currentHolders(
    listed,
    owner,
    `SELECT v.${listed.key} AS key, v.${owner} AS owner, v.seq FROM ${listed.table} v
    WHERE v.number = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))`,
  );
}

/** The keyed lookups of the hook calls (exported for the plan test: none may scan a version table). */
export const REGISTRY_KEY_READS = {
  practitionerByIdentifiers: byIdentifiers(PRACTITIONER),
  practitionerByCertificateNumbers: byNumbers(CERTIFICATE, 'practitioner_id'),
  organizationByIdentifiers: byIdentifiers(ORGANIZATION),
  organizationByLicenceNumbers: byNumbers(LICENCE, 'organization_id'),
} as const;

/** `$1` of the identifier reads: one singleton array per identifier, for `@>`. */
export function identifierParam(ids: readonly BusinessIdentifier[]): string {
  return json(ids.map((i) => [{ system: i.system, value: i.value }]));
}

/** The report's listing: every practitioner and organization in ONE statement (one snapshot, by id). */
const EVERY_HOLDER = `SELECT * FROM (
  ${everyHolder(PRACTITIONERS)}
  UNION ALL
  ${everyHolder(ORGANIZATIONS)}
) x ORDER BY x.kind, x.id`;

type HolderRow<I, L> = { info: I | null; listed: L[] };
type ListedRow = { kind: Holder['kind']; id: string; info: unknown; listed: unknown[] };

function practitionerOf(
  practitionerId: string,
  row: HolderRow<PractitionerInfo, CertificateRecord> | undefined,
): PractitionerCredentials | undefined {
  return practitionerCredentials(practitionerId, row?.info ?? undefined, row?.listed ?? []);
}

function organizationOf(organizationId: string, row: HolderRow<OrgInfo, LicenceRecord> | undefined): OrganizationCredentials | undefined {
  return organizationCredentials(organizationId, row?.info ?? undefined, row?.listed ?? []);
}

/** Appends one version row per changed record (`extra` columns are filled from the record). */
async function appendVersions(tx: Sql, kind: Kind, rows: readonly VersionRow[]): Promise<void> {
  if (rows.length === 0) return;
  const cols = [kind.key, ...kind.extra];
  await tx.query(
    `INSERT INTO ${kind.table} (${cols.join(', ')}, record)
     SELECT ${cols.map((c) => `x.${c}`).join(', ')}, x.record FROM jsonb_to_recordset($1::jsonb) AS x(ord int, ${cols.map((c) => `${c} text`).join(', ')}, record jsonb)
     ORDER BY x.ord`,
    [
      json(
        rows.map((r, ord) => ({
          ord,
          ...Object.fromEntries(cols.map((c, i) => [c, i === 0 ? r.key : (r.extra[i - 1] ?? null)])),
          record: r.record,
        })),
      ),
    ],
  );
}

/**
 * RegistryStore on the SQL store (migration 0002): the same contract as MemoryRegistryStore —
 * idempotent upserts by natural key, practitioner / organization facts merged — but an upsert
 * appends a version row instead of updating in place, so every certificate and licence keeps its
 * history. One transaction per batch, serialised by an advisory lock.
 */
export function createSqlRegistryStore(sql: Sql): RegistryStore {
  async function practitioner(practitionerId: string): Promise<PractitionerCredentials | undefined> {
    const [row] = await sql.query<HolderRow<PractitionerInfo, CertificateRecord>>(REGISTRY_READS.practitioner, [practitionerId], {
      name: 'registry_practitioner_read',
    });
    return practitionerOf(practitionerId, row);
  }
  async function organization(organizationId: string): Promise<OrganizationCredentials | undefined> {
    const [row] = await sql.query<HolderRow<OrgInfo, LicenceRecord>>(REGISTRY_READS.organization, [organizationId], {
      name: 'registry_organization_read',
    });
    return organizationOf(organizationId, row);
  }
  const ids = async (text: string, param: string, name: string): Promise<string[]> =>
    (await sql.query<{ id: string }>(text, [param], { name })).map((r) => r.id);
  async function findPractitioner(keys: PractitionerKeys): Promise<RegistryFind<PractitionerCredentials>> {
    return findHolder({ ...keys, numbers: keys.certificateNumbers }, 'certificate-number', {
      byIdentifiers: (list) =>
        ids(REGISTRY_KEY_READS.practitionerByIdentifiers, identifierParam(list), 'registry_practitioner_by_identifiers'),
      byNumbers: (numbers) =>
        ids(REGISTRY_KEY_READS.practitionerByCertificateNumbers, json(numbers), 'registry_practitioner_by_certificate_numbers'),
      read: practitioner,
    });
  }
  async function findOrganization(keys: OrganizationKeys): Promise<RegistryFind<OrganizationCredentials>> {
    return findHolder({ ...keys, numbers: keys.licenceNumbers }, 'licence-number', {
      byIdentifiers: (list) =>
        ids(REGISTRY_KEY_READS.organizationByIdentifiers, identifierParam(list), 'registry_organization_by_identifiers'),
      byNumbers: (numbers) =>
        ids(REGISTRY_KEY_READS.organizationByLicenceNumbers, json(numbers), 'registry_organization_by_licence_numbers'),
      read: organization,
    });
  }
  return {
    upsert: (batch: RegistryBatch) =>
      sql.transaction(async (tx): Promise<UpsertSummary> => {
        await tx.query('SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock($1::bigint)) AS l', [REGISTRY_LOCK_KEY]);
        // Delivered at commit only, to every replica listening (docs/design.md#registry-cache).
        await tx.query("SELECT 1 AS notified FROM (SELECT pg_notify($1, '')) AS n", [REGISTRY_CHANNEL]);
        const counts = { inserted: 0, updated: 0, unchanged: 0 };
        const stage = <T>(map: Map<string, T>, out: VersionRow[], key: string, value: T, extra: (string | null)[] = []) => {
          const old = map.get(key);
          if (old === undefined) counts.inserted++;
          else if (canonicalJson(old) === canonicalJson(value)) return void counts.unchanged++;
          else counts.updated++;
          map.set(key, value);
          out.push({ key, extra, record: value });
        };
        const practitioners = await current<PractitionerInfo>(
          tx,
          PRACTITIONER,
          batch.practitioners.map((p) => p.practitionerId),
        );
        const organizations = await current<OrgInfo>(
          tx,
          ORGANIZATION,
          batch.organizations.map((o) => o.organizationId),
        );
        const certificates = await current<CertificateRecord>(tx, CERTIFICATE, batch.certificates.map(certificateKey));
        const licences = await current<LicenceRecord>(
          tx,
          LICENCE,
          batch.licences.map((l) => l.number),
        );
        const rows: Record<'p' | 'o' | 'c' | 'l', VersionRow[]> = { p: [], o: [], c: [], l: [] };
        for (const p of batch.practitioners)
          stage(practitioners, rows.p, p.practitionerId, mergePractitionerInfo(practitioners.get(p.practitionerId), p));
        for (const o of batch.organizations)
          stage(organizations, rows.o, o.organizationId, mergeOrgInfo(organizations.get(o.organizationId), o));
        for (const c of batch.certificates)
          stage(certificates, rows.c, certificateKey(c), c, [c.number ?? null, c.technique, c.practitionerId]);
        for (const l of batch.licences)
          stage(licences, rows.l, l.number, { ...l, techniques: [...l.techniques].sort() }, [l.organizationId]);
        await appendVersions(tx, PRACTITIONER, rows.p);
        await appendVersions(tx, ORGANIZATION, rows.o);
        await appendVersions(tx, CERTIFICATE, rows.c);
        await appendVersions(tx, LICENCE, rows.l);
        return counts;
      }),
    practitioner,
    organization,
    findPractitioner,
    findOrganization,
    async list(): Promise<RegistryContents> {
      const rows = await sql.query<ListedRow>(EVERY_HOLDER);
      const practitioners: PractitionerCredentials[] = [];
      const organizations: OrganizationCredentials[] = [];
      for (const r of rows) {
        if (r.kind === 'practitioner') {
          const p = practitionerOf(r.id, r as HolderRow<PractitionerInfo, CertificateRecord>);
          if (p) practitioners.push(p);
        } else {
          const o = organizationOf(r.id, r as HolderRow<OrgInfo, LicenceRecord>);
          if (o) organizations.push(o);
        }
      }
      return { practitioners, organizations };
    },
  };
}
