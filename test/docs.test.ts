import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ALL_RULE_IDS } from '../src/engine/rule-ids.js';

/**
 * The project's own docs (docs/conventions.md#small-files): comments cite `docs/`, never a file
 * outside the repository; every rule id has its section in docs/rules.md; every `docs/…#anchor`
 * a comment cites exists.
 */
const ROOT = join(import.meta.dirname, '..');
const SELF = relative(ROOT, import.meta.filename);
const SCANNED = ['src', 'test', 'scripts'];
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'test-results', 'fixtures']);

/** References to documents outside the repository. */
const OUTSIDE = [/\.\.\/shared\b/, /(^|[\s(`'"])shared\//, /\bRULES\.md\b/, /\bDESIGN\.md\b/, /\bSTYLE\.md\b/];

function sourceFiles(dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (!SKIPPED_DIRS.has(name)) out = out.concat(sourceFiles(p));
    } else if (SOURCE.test(name)) out.push(p);
  }
  return out;
}

/** Every comment of a TypeScript / JavaScript file, with its line (strings and regexes are not comments). */
function commentsOf(fileName: string, text: string): { line: number; text: string }[] {
  const kind = /\.(js|mjs|cjs)$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const seen = new Map<number, { line: number; text: string }>();
  const collect = (ranges: readonly ts.CommentRange[] | undefined) => {
    for (const r of ranges ?? []) {
      if (!seen.has(r.pos)) seen.set(r.pos, { line: source.getLineAndCharacterOfPosition(r.pos).line + 1, text: text.slice(r.pos, r.end) });
    }
  };
  // Every comment is trivia before some token: trailing (same line) or leading (own lines).
  const visit = (node: ts.Node) => {
    if (node.kind === ts.SyntaxKind.JSDoc) return; // also the trivia of the token after it
    const children = node.getChildren(source);
    if (children.length === 0) {
      collect(ts.getTrailingCommentRanges(text, node.pos));
      collect(ts.getLeadingCommentRanges(text, node.pos));
      return;
    }
    for (const child of children) visit(child);
  };
  visit(source);
  collect(ts.getLeadingCommentRanges(text, 0));
  return [...seen.values()].sort((a, b) => a.line - b.line);
}

/** Anchors of a markdown file: explicit `id="…"` and GitHub heading slugs. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const m of markdown.matchAll(/\bid="([^"]+)"/g)) anchors.add(m[1]!);
  for (const m of markdown.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    anchors.add(
      m[1]!
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return anchors;
}

const files = SCANNED.flatMap((d) => sourceFiles(join(ROOT, d))).filter((f) => relative(ROOT, f) !== SELF);
const comments = files.map((f) => ({ file: relative(ROOT, f), comments: commentsOf(f, readFileSync(f, 'utf8')) }));

describe('docs', () => {
  it('reads the comments of the source tree, and only comments', () => {
    expect(files.length).toBeGreaterThan(100);
    const sample = 'const a = "// not a comment"; const re = /\\/\\* no/; // one\n/* two */ const b = `/* no */`; /** three */\n';
    expect(commentsOf('x.ts', sample).map((c) => c.text)).toEqual(['// one', '/* two */', '/** three */']);
  });

  it('no comment in src/, test/ or scripts/ cites a file outside the repository', () => {
    const offenders = comments.flatMap(({ file, comments: cs }) =>
      cs
        .filter((c) => OUTSIDE.some((re) => re.test(c.text)))
        .map(
          (c) =>
            `${file}:${c.line}: ${c.text
              .split('\n')
              .find((l) => OUTSIDE.some((re) => re.test(l)))
              ?.trim()}`,
        ),
    );
    expect(offenders).toEqual([]);
  });

  it('every docs/…#anchor a comment cites exists', () => {
    const anchors = new Map<string, Set<string>>();
    const missing: string[] = [];
    for (const { file, comments: cs } of comments) {
      for (const c of cs) {
        for (const m of c.text.matchAll(/\bdocs\/([\w-]+\.md)#([\w-]+)/g)) {
          const doc = m[1]!;
          if (!anchors.has(doc)) {
            let text = '';
            try {
              text = readFileSync(join(ROOT, 'docs', doc), 'utf8');
            } catch {
              // a missing document has no anchors
            }
            anchors.set(doc, anchorsOf(text));
          }
          if (!anchors.get(doc)!.has(m[2]!)) missing.push(`${file}:${c.line}: docs/${doc}#${m[2]}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it.each(ALL_RULE_IDS.map((id) => [id]))('docs/rules.md has a section for %s', (id) => {
    expect(anchorsOf(readFileSync(join(ROOT, 'docs', 'rules.md'), 'utf8')).has(id)).toBe(true);
  });
});
