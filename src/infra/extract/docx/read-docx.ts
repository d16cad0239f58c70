import path from 'node:path/posix';
import mammoth from 'mammoth';
import { ExtractionError, type ExtractedText, type ExtractionLimits } from '../extraction.js';
import { inflateDocxParts } from './guarded-zip.js';
import { mammothHtmlToText } from './html-to-text.js';
import { wordmlParagraphs, wordmlTextBoxes } from './wordml-text.js';

const RELATIONSHIP_TYPES = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/';

/**
 * Reads a DOCX's text: the page headers first (where CVs often keep the name and contact block), the
 * body through mammoth, the text boxes mammoth skipped, then the footers. Throws `ExtractionError`
 * (`file_too_large` for ZIP bombs, `file_corrupt` for damaged or DTD-carrying files, `too_many_pages`).
 */
export async function readDocx(bytes: Uint8Array, limits: ExtractionLimits): Promise<ExtractedText> {
  // Nothing reaches mammoth before the guard has inflated every part within the limits.
  const parts = await inflateDocxParts(bytes, limits);
  const pages = declaredPages(parts.get('docProps/app.xml'));
  if (pages > limits.maxPages) {
    throw new ExtractionError('too_many_pages', `This Word document has ${pages} pages; at most ${limits.maxPages} are read.`);
  }
  const body = await bodyText(bytes);
  const document = parts.get('word/document.xml') ?? '';
  const bodyWords = squeeze(body);
  const boxes = wordmlTextBoxes(document).filter((box) => !bodyWords.includes(squeeze(box)));
  const { headers, footers } = headerAndFooterParts(parts);
  const headerLines = uniqueLines(headers.flatMap((part) => wordmlParagraphs(part)));
  const footerLines = uniqueLines(footers.flatMap((part) => wordmlParagraphs(part)));
  const text = [...headerLines, body, ...boxes, ...footerLines].filter((block) => block.length > 0).join('\n');
  return { ok: true, text, source: { type: 'docx', pages } };
}

async function bodyText(bytes: Uint8Array): Promise<string> {
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        // A DOCX may link images by path; reading them would read this machine's files.
        externalFileAccess: false,
        // Images are not text: do not spend time encoding them into the HTML.
        convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
      },
    );
    html = result.value;
  } catch (error) {
    throw new ExtractionError('file_corrupt', 'This Word document is damaged: its content cannot be read.', { cause: error });
  }
  return mammothHtmlToText(html);
}

/** The header and footer parts, in their numbering order (header1, header2…), as the document relates them. */
function headerAndFooterParts(parts: Map<string, string>): { headers: string[]; footers: string[] } {
  const related = relatedParts(parts.get('word/_rels/document.xml.rels') ?? '');
  const named = (kind: 'header' | 'footer'): string[] => {
    const fromRelationships = related.filter((part) => part.kind === kind).map((part) => part.name);
    const names = fromRelationships.length > 0 ? fromRelationships : [...parts.keys()].filter((name) => new RegExp(`^word/${kind}\\d*\\.xml$`).test(name));
    return [...new Set(names)]
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
      .map((name) => parts.get(name))
      .filter((xml): xml is string => xml !== undefined);
  };
  return { headers: named('header'), footers: named('footer') };
}

function relatedParts(relationships: string): { kind: 'header' | 'footer'; name: string }[] {
  const found: { kind: 'header' | 'footer'; name: string }[] = [];
  for (const [element] of relationships.matchAll(/<Relationship\b[^>]*>/g)) {
    const type = /\sType="([^"]*)"/.exec(element)?.[1];
    const target = /\sTarget="([^"]*)"/.exec(element)?.[1];
    if (target === undefined || /\sTargetMode="External"/.test(element)) continue;
    const kind = type === `${RELATIONSHIP_TYPES}header` ? 'header' : type === `${RELATIONSHIP_TYPES}footer` ? 'footer' : undefined;
    if (kind === undefined) continue;
    // Targets are relative to the document's folder, or absolute from the package root.
    const name = target.startsWith('/') ? target.slice(1) : path.normalize(path.join('word', target));
    found.push({ kind, name });
  }
  return found;
}

/** The page count Word stores in docProps/app.xml; 1 when absent. */
function declaredPages(appXml: string | undefined): number {
  const pages = Number(/<(?:\w+:)?Pages>\s*(\d+)\s*</.exec(appXml ?? '')?.[1] ?? '1');
  return Number.isSafeInteger(pages) && pages >= 1 ? pages : 1;
}

function uniqueLines(lines: string[]): string[] {
  return [...new Set(lines)];
}

function squeeze(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
