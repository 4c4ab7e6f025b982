import type { Resource } from '@medplum/fhirtypes';

/** `Type/id` of a resource (the evidence reference). */
export function refOf(resource: Resource): string {
  return `${resource.resourceType}/${resource.id ?? ''}`;
}

/**
 * Whether a resource is about this patient: its `subject` / `patient` reference, when present, must
 * name `Patient/<id>` (relative or absolute URL). Resources without one are taken to be hers (the
 * snapshot is built from patient-scoped queries).
 */
export function isAboutPatient(resource: Resource, patientId: string): boolean {
  const r = resource as { subject?: { reference?: unknown }; patient?: { reference?: unknown } };
  const ref = r.subject?.reference ?? r.patient?.reference;
  if (ref === undefined) return true;
  if (typeof ref !== 'string') return false;
  const want = `Patient/${patientId}`;
  return ref === want || ref.endsWith(`/${want}`);
}
