import type { Coding } from '@medplum/fhirtypes';
import type { ClinicalDate } from '../../calendar/index.js';
import type { CodeRef, EvidenceItem } from '../finding-params.js';

/** A CodeRef from a record coding (display is patient-derived). */
export function codeRef(c: Coding): CodeRef {
  return { system: c.system ?? '', code: c.code ?? '', ...(typeof c.display === 'string' ? { display: c.display } : {}) };
}

/** An evidence item for finding params, omitting absent fields. */
export function evidenceItem(
  reference: string,
  parts: {
    date?: ClinicalDate | undefined;
    code?: Coding | undefined;
    value?: number | undefined;
    unit?: string | undefined;
    text?: string | undefined;
    fetus?: string | undefined;
  },
): EvidenceItem {
  return {
    reference,
    ...(parts.date ? { date: parts.date.raw } : {}),
    ...(parts.code ? { code: codeRef(parts.code) } : {}),
    ...(parts.value !== undefined ? { value: parts.value } : {}),
    ...(parts.unit !== undefined ? { unit: parts.unit } : {}),
    ...(typeof parts.text === 'string' && parts.text !== '' ? { text: parts.text } : {}),
    ...(parts.fetus !== undefined ? { fetus: parts.fetus } : {}),
  };
}
