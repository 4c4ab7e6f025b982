/**
 * JSON text of a configuration variable (docs/policy.md#loading): comments and trailing commas of
 * a `.jsonc` file blanked out, and the place of a syntax error as line and column. Node's own
 * `JSON.parse` message quotes the text around the error, which may be a secret (a QC token, a
 * private JWK), so it is never shown; this scanner names the place and what was expected instead,
 * quoting nothing.
 */

/** Where the JSON text stops being JSON: 1-based line and column, and what was expected there. */
export interface JsonSyntaxProblem {
  readonly line: number;
  readonly column: number;
  readonly expected: string;
}

/** `//` and `/* … *\/` comments outside strings replaced by spaces (line breaks kept, so places stay). */
export function blankJsonComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\r\n]/g, ' ');
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * JSONC as editors write it (VS Code, prettier): comments blanked, and a trailing comma before
 * `}` or `]` blanked too. Places (line, column) are kept.
 */
export function jsoncToJson(text: string): string {
  const s = blankJsonComments(text);
  let out = '';
  let i = 0;
  while (i < s.length) {
    if (s[i] === '"') {
      const end = stringEnd(s, i);
      out += s.slice(i, end);
      i = end;
      continue;
    }
    out += s[i] === ',' && /^\s*[}\]]/.test(s.slice(i + 1, i + 1 + 4096)) ? ' ' : s[i];
    i++;
  }
  return out;
}

/** Index just past the string starting at `start` (or the text's end when it is not closed). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
  return Math.min(text.length, i + 1);
}

class Stop {
  constructor(
    readonly at: number,
    readonly expected: string,
  ) {}
}

/** The first syntax error of a JSON text (RFC 8259), or `undefined` when it is valid JSON. */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const fail = (expected: string): never => {
    throw new Stop(i, expected);
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail('a value');
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) fail('a closing "');
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) fail('a closing " (a line break cannot be inside a string)');
      if (c === 0x5c) {
        const e = text[i + 1] ?? '';
        if ('"\\/bfnrt'.includes(e) && e !== '') i += 2;
        else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else fail('a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
      } else i++;
    }
    i++;
  };
  const number = () => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '-') fail('a value');
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    fail('a value');
  };
  const object = () => {
    i++;
    ws();
    if (text[i] === '}') return void i++;
    for (;;) {
      ws();
      if (text[i] !== '"') fail('a property name in double quotes');
      string();
      ws();
      if (text[i] !== ':') fail("':'");
      i++;
      value();
      ws();
      if (text[i] === ',') i++;
      else if (text[i] === '}') return void i++;
      else fail("',' or '}'");
    }
  };
  const array = () => {
    i++;
    ws();
    if (text[i] === ']') return void i++;
    for (;;) {
      value();
      ws();
      if (text[i] === ',') i++;
      else if (text[i] === ']') return void i++;
      else fail("',' or ']'");
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail('the end of the text');
    return undefined;
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    return { ...place(text, e.at), expected: e.expected };
  }
}

/** 1-based line and column (in characters) of an index. */
function place(text: string, at: number): { line: number; column: number } {
  const before = text.slice(0, at);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: [...before.slice(lineStart)].length + 1 };
}
