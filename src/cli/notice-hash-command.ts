import { readFile } from 'node:fs/promises';
import { hashNoticeContent } from '../referral/notice/content.js';
import { jcs } from '../canonical-json.js';
import { findJsonSyntaxProblem } from '../config/json-text.js';
import { EXIT, errorText, type CliIo } from './io.js';
import { pathProblem } from './path-problem.js';

export const NOTICE_HASH_USAGE =
  'usage: prenatal-cds notice-hash <content.json> [--canonical]\n' +
  '       SHA-256 (hex) of a stored notice content in RFC 8785 canonical form (JCS): the hash printed on the notice;\n' +
  '       --canonical prints the canonical text instead\n';

/**
 * `prenatal-cds notice-hash <file>`: recomputes a written notice's content hash from its stored
 * content (the `notice` table's `content_jcs`, the canonical text itself, or for earlier notices
 * `content`, as JSON: README#written-notice). The file
 * is parsed as JSON and hashed as the service does (src/referral/notice/content.ts), so the output
 * equals the hash on the printed page when the content is unchanged.
 */
export async function noticeHashCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const canonical = argv.includes('--canonical');
  const files = argv.filter((a) => a !== '--canonical');
  if (files.length !== 1 || files[0]!.startsWith('--')) {
    io.stderr(NOTICE_HASH_USAGE);
    return EXIT.usage;
  }
  const file = files[0]!;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    io.stderr(`notice-hash: ${pathProblem(e, 'file', file)}\n`);
    return EXIT.failed;
  }
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch {
    // Not JSON.parse's message: it quotes the text, which is a woman's notice.
    const p = findJsonSyntaxProblem(text);
    io.stderr(`notice-hash: ${file}: invalid JSON${p ? ` at line ${p.line}, column ${p.column}: expected ${p.expected}` : ''}\n`);
    return EXIT.failed;
  }
  try {
    io.stdout(`${canonical ? jcs(content) : hashNoticeContent(content)}\n`);
    return EXIT.ok;
  } catch (e) {
    io.stderr(`notice-hash: ${errorText(e)}\n`);
    return EXIT.failed;
  }
}
