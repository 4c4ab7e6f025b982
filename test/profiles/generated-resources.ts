import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeSystem, StructureDefinition, ValueSet } from '@medplum/fhirtypes';
import { GENERATED_RESOURCES_DIR } from '../support/fhir-validate.js';

function read<T>(file: string): T {
  return JSON.parse(readFileSync(join(GENERATED_RESOURCES_DIR, file), 'utf8')) as T;
}

function byPrefix<T>(prefix: string): T[] {
  return readdirSync(GENERATED_RESOURCES_DIR)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
    .sort()
    .map((f) => read<T>(f));
}

/** The committed fsh-generated CodeSystems, ValueSets and StructureDefinitions. */
export const generated = {
  codeSystems: (): CodeSystem[] => byPrefix<CodeSystem>('CodeSystem-'),
  valueSets: (): ValueSet[] => byPrefix<ValueSet>('ValueSet-'),
  structureDefinitions: (): StructureDefinition[] => byPrefix<StructureDefinition>('StructureDefinition-'),
  codeSystem: (id: string): CodeSystem => read<CodeSystem>(`CodeSystem-${id}.json`),
  valueSet: (id: string): ValueSet => read<ValueSet>(`ValueSet-${id}.json`),
};
