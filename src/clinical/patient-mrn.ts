import type { Identifier, Patient } from '@medplum/fhirtypes';

/**
 * Her record number (病案号): the value of a `Patient.identifier` of the configured system
 * (`MRN_SYSTEM`), the same one on the written notice and in the audit
 * (docs/design.md#patient-identity). Several of that system: the current ones (not `use: old`, no
 * ended `period`) come first, and among them the first with `use: official` or `usual`, else the
 * first current one; when none is current, the first. Blank values are skipped. `undefined` when no
 * system is configured or she has none.
 */
export function patientMrn(patient: Patient | undefined, system: string | undefined): string | undefined {
  if (!patient || !system) return undefined;
  const found = (patient.identifier ?? []).filter((i) => i.system === system && i.value?.trim());
  const current = found.filter((i) => i.use !== 'old' && !i.period?.end);
  const preferred = (i: Identifier) => i.use === 'official' || i.use === 'usual';
  return (current.find(preferred) ?? current[0] ?? found[0])?.value?.trim();
}
