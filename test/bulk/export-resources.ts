import { SYSTEMS } from '../../src/clinical/codes.js';

/** Resources of a hand-built Bulk Data export (NDJSON lines), as a hospital EHR records them. */

/** A CodeableConcept of one coding. */
export const cc = (system: string, code: string, display?: string) => ({ coding: [{ system, code, ...(display ? { display } : {}) }] });

/** Her EDD (LOINC 11778-8 预产期) as recorded on `recorded`. */
export const eddObservation = (id: string, pid: string, recorded: string, value: string) => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  subject: { reference: `Patient/${pid}` },
  code: cc(SYSTEMS.loinc, '11778-8', '预产期'),
  effectiveDateTime: recorded,
  valueDateTime: value,
});
