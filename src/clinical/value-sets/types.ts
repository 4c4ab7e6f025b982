/**
 * A data element's value set: enumerated codes per system, plus (for classifications like ICD-10)
 * code prefixes with exclusions. Ids are kebab-case and equal the FHIR ValueSet id shipped in
 * fhir-profiles/ (canonical `http://prenatal-cds.org/fhir/ValueSet/<id>`). Hospital local codes are
 * appended from policy (`localCodes[<id>]`), never written here.
 */
export interface ValueSetDefinition {
  readonly id: string;
  readonly title: string;
  /** Enumerated codes, by system. */
  readonly include: readonly { readonly system: string; readonly codes: readonly string[] }[];
  /** Prefix matches (e.g. ICD-10 `O35` matches `O35.0`, `O35.9`), with exact/prefix exclusions. */
  readonly prefixes?: readonly { readonly system: string; readonly prefixes: readonly string[]; readonly exclude?: readonly string[] }[];
}
