import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdown } from '../../src/render/escape.js';

const PAYLOADS = [
  '<script>alert(1)</script>',
  '[x](javascript:alert(1))',
  '**bold** __under__ ~~strike~~',
  '<img src=x onerror=alert(1)>',
  '![img](http://evil.example/a.png)',
  '# heading\n- item\n> quote\n| a | b |',
  '`code` \\ &amp; &#106;',
];

describe('escapeMarkdown', () => {
  it.each(PAYLOADS)('leaves no unescaped markdown/HTML metacharacter in %j', (p) => {
    const out = escapeMarkdown(p);
    // Every metacharacter is preceded by a backslash that is itself not escaped.
    const stripped = out.replace(/\\[\\`*_{}[\]()#+\-.!|<>~&"']/g, '');
    expect(stripped).not.toMatch(/[\\`*_{}[\]()#+\-.!|<>~&]/);
    expect(out).not.toMatch(/[\r\n]/);
  });

  it('escapes the known injection shapes exactly', () => {
    expect(escapeMarkdown('<script>')).toBe('\\<script\\>');
    expect(escapeMarkdown('[x](javascript:alert(1))')).toBe('\\[x\\]\\(javascript:alert\\(1\\)\\)');
    expect(escapeMarkdown('**a**')).toBe('\\*\\*a\\*\\*');
    expect(escapeMarkdown('a\\b')).toBe('a\\\\b');
  });

  it('leaves CJK text and full-width punctuation alone', () => {
    expect(escapeMarkdown('王小红（孕妇）：羊水过少')).toBe('王小红（孕妇）：羊水过少');
  });

  it('flattens line breaks and drops control characters', () => {
    expect(escapeMarkdown('a\r\n# b\u0000c')).toBe('a \\# bc');
  });
});

describe('escapeHtml', () => {
  it('escapes & < > " \'', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it.each(PAYLOADS)('leaves no tag or attribute break-out in %j', (p) => {
    expect(escapeHtml(p)).not.toMatch(/[<>"']/);
  });

  it('escapes & first so entities are shown, not decoded', () => {
    expect(escapeHtml('&lt;script&gt;')).toBe('&amp;lt;script&amp;gt;');
  });
});
