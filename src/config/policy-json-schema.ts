import { z } from 'zod';
import { DEFAULT_POLICY, policySchema } from '../clinical/policy.js';
import { POLICY_PARAMETER_DOCS, type PolicyParameterDoc } from './policy-docs.js';

/**
 * The `POLICY_FILE` documents generated from the policy's zod schema (docs/policy.md):
 * the JSON Schema (`docs/policy.schema.json`, `z.toJSONSchema` of the input side: every
 * parameter optional, with its default), the parameter table of docs/policy.md and the commented
 * example `docs/policy.example.jsonc`. `npm run policy:schema` writes them; a test fails when a
 * committed one differs, so they cannot drift from the code. Refinements (a procedure window
 * ending before it starts) are not expressible in JSON Schema; the service's own check has them.
 */

/** The policy's parameters in schema order. */
export function policyParameters(): readonly string[] {
  return Object.keys(policySchema.shape);
}

function describe(doc: PolicyParameterDoc | undefined): string | undefined {
  if (!doc) return undefined;
  return [doc.description, doc.unit && `Unit: ${doc.unit}.`, doc.article && `${doc.article}.`].filter(Boolean).join(' ');
}

/** The JSON Schema (2020-12) of a policy file; a `$schema` member is allowed for editors. */
export function policyJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(policySchema, { io: 'input' }) as Record<string, unknown> & {
    properties: Record<string, Record<string, unknown>>;
  };
  const properties: Record<string, unknown> = {
    $schema: { type: 'string', description: 'The JSON Schema of this file (for editors); ignored by the service.' },
  };
  for (const [key, prop] of Object.entries(generated.properties)) {
    const description = describe(POLICY_PARAMETER_DOCS[key]);
    properties[key] = description ? { description, ...prop } : prop;
  }
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'prenatal-cds policy (POLICY_FILE)',
    description:
      'Rule parameters, local codes and the institutions the written notice names. Every member is optional; an unknown member stops the start. See docs/policy.md.',
    ...rest,
    properties,
  };
}

/** `docs/policy.schema.json`: two-space JSON and a final line break. */
export function policyJsonSchemaText(): string {
  return `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
}

function defaultText(value: unknown): string {
  if (value === undefined) return '(unset)';
  const json = JSON.stringify(value);
  return json.length <= 48 ? `\`${json.replace(/,/g, ', ')}\`` : 'see the example';
}

const link = (target: string) => `[${target.replace(/^rules\.md#/, '').replace(/^design\.md#/, 'design: ')}](${target})`;

/** The parameter table of docs/policy.md (between its generated-table markers). */
export function policyParameterTable(): string {
  const rows = policyParameters().map((key) => {
    const doc = POLICY_PARAMETER_DOCS[key];
    const cells = [
      `\`${key}\``,
      defaultText((DEFAULT_POLICY as Record<string, unknown>)[key]),
      doc?.unit ?? '',
      doc?.article ?? '',
      (doc?.usedBy ?? []).map(link).join(', '),
      (doc?.description ?? '').replace(/\|/g, '\\|'),
    ];
    return `| ${cells.join(' | ')} |`;
  });
  return ['| parameter | default | unit | article | used by | what it decides |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

/** Values the example sets where the default is a placeholder (institutions) or empty (local codes). */
const EXAMPLE_VALUES: Record<string, unknown> = {
  institution: { id: 'org-hz-fck', name: '杭州市妇产科医院', address: '浙江省杭州市上城区学士路369号', phone: '0571-56007000' },
  referralInstitution: {
    id: 'org-zj-fb',
    name: '浙江大学医学院附属妇产科医院',
    address: '浙江省杭州市上城区学士路1号',
    phone: '0571-87061501',
  },
  localCodes: {
    'fetal-anomaly': [{ system: 'http://his.hz-fck.example/diagnosis', code: 'FCK-TERI-01', display: '胎儿结构异常（院内码）' }],
  },
};

/** Words of `text` in lines of at most `width` characters (a longer word stays whole). */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...out, line] : out;
}

/**
 * `docs/policy.example.jsonc`: every parameter with its default (the institutions and a local code
 * as a hospital would set them), each under a comment saying what it decides. Not yet formatted:
 * the script and the test pass it through prettier (the project's formatting of `.jsonc`).
 */
export function policyExampleText(): string {
  const lines = [
    '// prenatal-cds policy: POLICY_FILE=/path/policy.jsonc (docs/policy.md). Every parameter is shown with',
    '// its default; delete what you keep as default. Comments and trailing commas are allowed in .jsonc.',
    '{',
  ];
  lines.push('  "$schema": "./policy.schema.json",');
  const keys = policyParameters();
  keys.forEach((key, i) => {
    const doc = POLICY_PARAMETER_DOCS[key];
    const comment = describe(doc);
    if (comment) lines.push(...wrap(`${key}: ${comment}`, 96).map((l) => `  // ${l}`));
    const value = Object.hasOwn(EXAMPLE_VALUES, key) ? EXAMPLE_VALUES[key] : (DEFAULT_POLICY as Record<string, unknown>)[key];
    if (value === undefined) lines.push(`  // "${key}": (unset by default)`);
    else lines.push(`  ${JSON.stringify(key)}: ${JSON.stringify(value)}${i < keys.length - 1 ? ',' : ''}`);
  });
  lines.push('}', '');
  return lines.join('\n');
}

/** The example's values, as the service reads them (what a test compares the loaded policy to). */
export const POLICY_EXAMPLE_VALUES: Readonly<Record<string, unknown>> = EXAMPLE_VALUES;
