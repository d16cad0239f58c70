/**
 * Plain text from the HTML mammoth writes: one line per paragraph and heading, list items as "• "
 * bullets (numbered in ordered lists, indented when nested), table rows with their cells separated by
 * tabs, and a link's address kept when its text does not show it (a CV's "LinkedIn" link). mammoth
 * writes a small, regular subset of HTML with escaped text, so a tokenizer is enough; this is not a
 * parser for HTML from elsewhere.
 */

import { decodeXmlText } from './wordml-text.js';

const TOKEN = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:="[^"]*")?)*)\s*(\/?)>|([^<]+)/g;
const BLOCKS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'div']);

interface ListLevel {
  ordered: boolean;
  count: number;
}

/** A table being read: its rows, each a list of cell texts. */
interface TableState {
  rows: string[][];
  cell: string | undefined;
}

/** Turns mammoth's HTML into plain text. */
export function mammothHtmlToText(html: string): string {
  const out = new TextSink();
  const lists: ListLevel[] = [];
  const tables: TableState[] = [];
  const links: { href: string | undefined; text: string }[] = [];
  // Inside a table cell, text goes to the cell; elsewhere, to the output.
  const write = (text: string): void => {
    const table = tables.at(-1);
    if (table?.cell !== undefined) table.cell += text;
    else out.write(text);
    const link = links.at(-1);
    if (link) link.text += text;
  };
  const endLine = (): void => write('\n');

  for (const match of html.matchAll(TOKEN)) {
    const [, closing, rawName, attributes, , text] = match;
    if (text !== undefined) {
      write(decodeXmlText(text));
      continue;
    }
    const name = (rawName ?? '').toLowerCase();
    if (name === 'br') endLine();
    else if (BLOCKS.has(name)) endLine();
    else if (name === 'ul' || name === 'ol') {
      if (closing) lists.pop();
      else lists.push({ ordered: name === 'ol', count: 0 });
      endLine();
    } else if (name === 'li') {
      endLine();
      const list = lists.at(-1);
      if (!closing && list) {
        list.count += 1;
        write(`${'  '.repeat(lists.length - 1)}${list.ordered ? `${list.count}. ` : '• '}`);
      }
    } else if (name === 'table') {
      if (closing) {
        const table = tables.pop();
        if (table) write(`\n${renderTable(table.rows)}\n`);
      } else {
        endLine();
        tables.push({ rows: [], cell: undefined });
      }
    } else if (name === 'tr' && !closing) tables.at(-1)?.rows.push([]);
    else if (name === 'td' || name === 'th') {
      const table = tables.at(-1);
      if (!table) continue;
      if (closing) {
        table.rows.at(-1)?.push(table.cell ?? '');
        table.cell = undefined;
      } else table.cell = '';
    } else if (name === 'a') {
      if (!closing) links.push({ href: /\shref="([^"]*)"/.exec(attributes ?? '')?.[1], text: '' });
      else {
        const link = links.pop();
        const address = link?.href === undefined ? undefined : shownAddress(decodeXmlText(link.href));
        if (address !== undefined && link !== undefined && !link.text.includes(address)) write(` ${address}`);
      }
    }
  }
  return out.text();
}

/** The address a link points to, as a reader would write it, when it is one worth keeping. */
function shownAddress(href: string): string | undefined {
  if (href.startsWith('mailto:')) return href.slice('mailto:'.length).split('?')[0];
  if (/^https?:\/\//i.test(href)) return href.replace(/\/$/, '');
  return undefined;
}

/** A row whose cells each hold one line reads as one line; otherwise each cell's lines follow one another. */
function renderTable(rows: string[][]): string {
  const lines: string[] = [];
  for (const row of rows) {
    const cells = row.map((cell) => tidyLines(cell)).filter((cell) => cell.length > 0);
    if (cells.every((cell) => !cell.includes('\n'))) lines.push(cells.join('\t'));
    else lines.push(...cells);
  }
  return lines.join('\n');
}

function tidyLines(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join('\n');
}

/** Collects text; lines come out trimmed (but for the indent of nested list items) and blank ones dropped. */
class TextSink {
  private buffer = '';

  write(text: string): void {
    this.buffer += text;
  }

  text(): string {
    return this.buffer
      .split('\n')
      .map((line) => {
        const listIndent = /^( +)(?:• |\d+\. )/.exec(line)?.[1] ?? '';
        return listIndent + line.trim();
      })
      .filter((line) => line.trim().length > 0)
      .join('\n');
  }
}
