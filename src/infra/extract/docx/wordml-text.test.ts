import { describe, expect, it } from 'vitest';
import { decodeXmlText, wordmlParagraphs, wordmlTextBoxes } from './wordml-text.js';

describe('wordmlParagraphs', () => {
  it('joins the runs of a paragraph, keeps tabs and breaks, and skips deleted text and field codes', () => {
    const xml =
      '<w:hdr><w:p><w:r><w:t>Jane</w:t></w:r><w:r><w:t xml:space="preserve"> Roe</w:t></w:r><w:r><w:tab/><w:t>Berlin</w:t></w:r></w:p>' +
      '<w:p><w:r><w:t>a</w:t><w:br/><w:t>b</w:t></w:r><w:del><w:r><w:delText>old</w:delText></w:r></w:del>' +
      '<w:r><w:instrText> PAGE </w:instrText></w:r></w:p><w:p/></w:hdr>';
    expect(wordmlParagraphs(xml)).toEqual(['Jane Roe\tBerlin', 'a', 'b']);
  });

  it('reads a text box drawn twice (mc:Choice and mc:Fallback) once', () => {
    const box = '<w:txbxContent><w:p><w:r><w:t>In the box</w:t></w:r></w:p></w:txbxContent>';
    const xml = `<w:p><w:r><mc:AlternateContent><mc:Choice>${box}</mc:Choice><mc:Fallback>${box}</mc:Fallback></mc:AlternateContent></w:r></w:p>`;
    expect(wordmlParagraphs(xml)).toEqual(['In the box']);
    expect(wordmlTextBoxes(xml)).toEqual(['In the box']);
  });
});

describe('decodeXmlText', () => {
  it("decodes XML's own and numeric references and leaves others alone", () => {
    expect(decodeXmlText('&lt;a&gt; &amp; &quot;&apos; &#233;&#x4E2D; &unknown; &#0;')).toBe('<a> & "\' é中 &unknown; &#0;');
  });
});
