/**
 * Plain text of WordprocessingML parts that mammoth does not read: page headers and footers, and
 * text boxes. The parts have passed the DTD check, so the only entities are XML's own and numeric ones.
 */

const TOKEN = /<(\/?)([\w:.-]+)[^>]*?(\/?)>|([^<]+)/g;

/** The paragraphs of a header, footer or other WordprocessingML fragment, one line each, blank ones dropped. */
export function wordmlParagraphs(xml: string): string[] {
  const lines: string[] = [];
  let line = '';
  let inText = false;
  // mc:Fallback repeats what mc:Choice holds (a text box drawn twice, for old and new Word).
  let fallbackDepth = 0;
  for (const match of xml.matchAll(TOKEN)) {
    const [, closing, name, selfClosing, text] = match;
    if (text !== undefined) {
      if (inText && fallbackDepth === 0) line += decodeXmlText(text);
      continue;
    }
    if (name === 'mc:Fallback' && !selfClosing) fallbackDepth += closing ? -1 : 1;
    if (fallbackDepth > 0) continue;
    if (name === 'w:t') inText = !closing && !selfClosing;
    else if (!closing && (name === 'w:tab' || name === 'w:ptab')) line += '\t';
    else if (!closing && (name === 'w:br' || name === 'w:cr')) line += '\n';
    else if (name === 'w:p' && (closing || selfClosing)) {
      lines.push(...line.split('\n'));
      line = '';
    }
  }
  lines.push(...line.split('\n'));
  return lines.map((text) => text.replace(/[ \t]+$/, '').replace(/^[ \t]+/, '')).filter((text) => text.length > 0);
}

/** The text of each text box in a part, outermost boxes only, each box's paragraphs joined by newlines. */
export function wordmlTextBoxes(xml: string): string[] {
  const boxes: string[] = [];
  let depth = 0;
  let fallbackDepth = 0;
  let start = 0;
  for (const match of xml.matchAll(/<(\/?)(w:txbxContent|mc:Fallback)\b[^>]*?(\/?)>/g)) {
    const [tag, closing, name, selfClosing] = match;
    if (selfClosing) continue;
    if (name === 'mc:Fallback') {
      fallbackDepth += closing ? -1 : 1;
      continue;
    }
    if (fallbackDepth > 0) continue;
    if (!closing) {
      if (depth === 0) start = match.index + tag.length;
      depth += 1;
    } else if (depth > 0) {
      depth -= 1;
      if (depth === 0) boxes.push(wordmlParagraphs(xml.slice(start, match.index)).join('\n'));
    }
  }
  return boxes.filter((box) => box.length > 0);
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes XML's predefined and numeric character references. */
export function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|\w+);/g, (reference, body: string) => {
    if (body.startsWith('#')) {
      const codePoint = body[1] === 'x' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : reference;
    }
    return NAMED_ENTITIES[body] ?? reference;
  });
}
