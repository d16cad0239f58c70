import { describe, expect, it } from 'vitest';
import { mammothHtmlToText } from './html-to-text.js';

describe('mammothHtmlToText', () => {
  it('puts headings and paragraphs on lines of their own and decodes what mammoth escapes', () => {
    expect(mammothHtmlToText('<h1>Skills</h1><p>C++ &amp; Rust &lt;3</p><p>Line one<br />Line two</p>')).toBe('Skills\nC++ & Rust <3\nLine one\nLine two');
  });

  it('numbers ordered lists and indents nested items', () => {
    const html = '<ol><li>Plan<ul><li>Scope</li><li>Budget</li></ul></li><li>Ship</li></ol>';
    expect(mammothHtmlToText(html)).toBe('1. Plan\n  • Scope\n  • Budget\n2. Ship');
  });

  it('keeps a link address its text does not show, once', () => {
    const html =
      '<p><a href="https://linkedin.com/in/jane-roe/">LinkedIn</a> | <a href="mailto:jane@example.org">jane@example.org</a> | <a href="#section">Top</a></p>';
    expect(mammothHtmlToText(html)).toBe('LinkedIn https://linkedin.com/in/jane-roe | jane@example.org | Top');
  });

  it('reads a layout table cell by cell when its cells hold several paragraphs', () => {
    const html = '<table><tr><td><p>2019 – 2023</p></td><td><p>Engineer</p><p>Example GmbH</p></td></tr><tr><td></td><td><p>Alone</p></td></tr></table><p>After</p>';
    expect(mammothHtmlToText(html)).toBe('2019 – 2023\nEngineer\nExample GmbH\nAlone\nAfter');
  });
});
