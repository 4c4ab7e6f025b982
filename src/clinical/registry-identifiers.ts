import { z } from 'zod';
import { CANONICAL_BASE } from './codes.js';

/**
 * The business identifiers by which the provincial registry knows practitioners and organizations
 * (src/registry/CSV.md#matching): policy section `registryIdentifiers` of `POLICY_FILE`.
 *
 * Each holder kind maps identifier *kinds* to the systems (FHIR `Identifier.system`) that carry
 * them. Systems of one kind are the same identifier written under different URIs — an EHR may send
 * the practising-certificate code under an OID, the registry under our URI — so a value under any
 * of them matches the value under any other. Only identifiers of a configured system count for
 * matching; a hospital's own staff or organization numbers (e.g. WS/T 500's 医务人员编码
 * `urn:oid:2.16.156.10011.1.4`) are per EHR and must not be configured. A system belongs to one kind.
 *
 * Defaults, under the local canonical base (no national FHIR identifier URIs exist for these):
 * - practitioner `practising-certificate` — 医师执业证书编码 (the 15-digit practising-certificate code);
 * - practitioner `national-id-hash` — a hash of the 居民身份证号 made by the province (lower-case hex
 *   SHA-256 of the 18-character number, final `X` upper-case); the service never sees the number;
 * - organization `uscc` — 统一社会信用代码 (GB 32100-2015, 18 characters).
 */
export const IDENTIFIER_SYSTEMS = {
  practisingCertificate: `${CANONICAL_BASE}/sid/practising-certificate`,
  nationalIdHash: `${CANONICAL_BASE}/sid/national-id-hash`,
  uscc: `${CANONICAL_BASE}/sid/uscc`,
} as const;

const kindName = z.string().regex(/^[a-z][a-z0-9-]*$/, 'a kind name such as practising-certificate');
const systemUri = z.string().regex(/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/, 'an absolute URI such as urn:oid:… or http://…');
const kinds = z.record(kindName, z.array(systemUri).min(1));

export const DEFAULT_REGISTRY_IDENTIFIERS = {
  practitioner: {
    'practising-certificate': [IDENTIFIER_SYSTEMS.practisingCertificate],
    'national-id-hash': [IDENTIFIER_SYSTEMS.nationalIdHash],
  },
  organization: { uscc: [IDENTIFIER_SYSTEMS.uscc] },
};

export const registryIdentifiersSchema = z
  .strictObject({
    practitioner: kinds.default(DEFAULT_REGISTRY_IDENTIFIERS.practitioner),
    organization: kinds.default(DEFAULT_REGISTRY_IDENTIFIERS.organization),
  })
  .superRefine((v, ctx) => {
    for (const holder of ['practitioner', 'organization'] as const) {
      const seen = new Map<string, string>();
      for (const [kind, systems] of Object.entries(v[holder])) {
        for (const s of systems) {
          const other = seen.get(s);
          if (other !== undefined && other !== kind)
            ctx.addIssue({ code: 'custom', path: [holder, kind], message: `system ${s} is already of kind ${other}` });
          seen.set(s, kind);
        }
      }
    }
  });

export type RegistryIdentifierPolicy = z.infer<typeof registryIdentifiersSchema>;
