/**
 * Writes docs/policy.schema.json, docs/policy.example.jsonc and the parameter table of
 * docs/policy.md from the policy's zod schema (src/clinical/policy.ts) and its parameter texts
 * (src/config/policy-docs.ts). Run `npm run policy:schema` after adding or changing a policy
 * parameter; test/config/policy-schema.test.ts fails until it is run.
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { packageRoot } from '../src/package-root.js';
import { policyDocuments } from './lib/policy-documents.js';

const root = packageRoot();
for (const [path, text] of Object.entries(await policyDocuments(root))) {
  writeFileSync(path, text);
  process.stdout.write(`wrote ${relative(root, path)}\n`);
}
