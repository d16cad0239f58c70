/**
 * PDFs built in memory for tests: CV-like pages in scripts the fixtures lack, a scan, and hostile files.
 * Other suites (the upload API's) use these too, so each generator says what it makes and which error it
 * should give. Fonts are the Noto TTFs installed from npm; nothing is fetched.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import type { Path } from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import { openPdfDocument } from '../../src/infra/extract/pdf/pdfjs.js';
import { rasterisePdfPage } from '../../src/infra/ocr/rasterise-page.js';

const require = createRequire(import.meta.url);
const fixtureDir = path.resolve(import.meta.dirname, '../fixtures');

export type GeneratedScript = 'arabic' | 'hebrew' | 'persian' | 'japanese' | 'korean' | 'greek';

/** A CV-like page's lines, as typed (logical order); `rtl` lines are right-aligned. */
export interface ScriptSample {
  font: string;
  rtl: boolean;
  lines: string[];
}

/** The text of each generated script PDF, in logical order: what extraction must give back. */
export const scriptSamples: Record<GeneratedScript, ScriptSample> = {
  arabic: {
    font: '@expo-google-fonts/noto-sans-arabic/400Regular/NotoSansArabic_400Regular.ttf',
    rtl: true,
    lines: [
      'أحمد محمود',
      'مهندس برمجيات',
      'الخبرة المهنية',
      'مطور أول في شركة التقنية الحديثة',
      'تصميم وتطوير أنظمة الدفع الإلكتروني',
      'التعليم',
      'بكالوريوس علوم الحاسب من جامعة القاهرة',
      'المهارات',
      'البرمجة وقواعد البيانات والحوسبة السحابية',
    ],
  },
  hebrew: {
    font: '@expo-google-fonts/noto-sans-hebrew/400Regular/NotoSansHebrew_400Regular.ttf',
    rtl: true,
    lines: [
      'דוד כהן',
      'מהנדס תוכנה',
      'ניסיון תעסוקתי',
      'מפתח בכיר בחברת טכנולוגיה',
      'פיתוח מערכות תשלום ושירותי ענן',
      'השכלה',
      'תואר ראשון במדעי המחשב מהאוניברסיטה העברית',
      'כישורים',
      'תכנות מסדי נתונים וניהול צוות',
    ],
  },
  persian: {
    font: '@expo-google-fonts/noto-sans-arabic/400Regular/NotoSansArabic_400Regular.ttf',
    rtl: true,
    lines: [
      'علی رضایی',
      'مهندس نرم\u200Cافزار',
      'سوابق کاری',
      'برنامه\u200Cنویس ارشد در شرکت فناوری پارس',
      'طراحی و پیاده\u200Cسازی سامانه\u200Cهای پرداخت',
      'تحصیلات',
      'کارشناسی مهندسی کامپیوتر از دانشگاه تهران',
      'مهارت\u200Cها',
      'برنامه\u200Cنویسی پایگاه داده و مدیریت پروژه',
    ],
  },
  japanese: {
    font: '@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf',
    rtl: false,
    lines: [
      '山田 太郎',
      'ソフトウェアエンジニア',
      '職務経歴',
      '株式会社テクノロジー 主任開発者',
      '決済システムの設計と開発を担当',
      '学歴',
      '東京大学 工学部 情報工学科 卒業',
      'スキル',
      'プログラミング、データベース、クラウド',
    ],
  },
  korean: {
    font: '@expo-google-fonts/noto-sans-kr/400Regular/NotoSansKR_400Regular.ttf',
    rtl: false,
    lines: [
      '김민준',
      '소프트웨어 엔지니어',
      '경력 사항',
      '주식회사 테크놀로지 선임 개발자',
      '결제 시스템 설계 및 개발 담당',
      '학력',
      '서울대학교 컴퓨터공학과 학사',
      '기술',
      '프로그래밍 데이터베이스 클라우드 컴퓨팅',
    ],
  },
  greek: {
    font: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
    rtl: false,
    lines: [
      'Γιώργος Παπαδόπουλος',
      'Μηχανικός Λογισμικού',
      'Επαγγελματική Εμπειρία',
      'Ανώτερος προγραμματιστής στην Τεχνολογική Εταιρεία',
      'Σχεδιασμός και ανάπτυξη συστημάτων πληρωμών',
      'Εκπαίδευση',
      'Πτυχίο Πληροφορικής, Πανεπιστήμιο Αθηνών',
      'Δεξιότητες',
      'Προγραμματισμός, βάσεις δεδομένων, υπολογιστικό νέφος',
    ],
  },
};

/** The Latin contact line every generated CV carries, drawn left to right with a Latin font. */
export const contactLine = 'mail@example.com +49 30 1234567';

/** Page geometry shared by the generated CVs (A4, in points). */
const pageWidth = 595;
const margin = 56;

function lineLayout(index: number): { size: number; advance: number } {
  return index === 0 ? { size: 22, advance: 34 } : { size: 12, advance: 22 };
}

/**
 * A one-page A4 CV in the given script. Left-to-right scripts go through pdf-lib, which shapes with fontkit
 * and writes a ToUnicode map from each glyph of a font subset to the letters typed. Arabic and Persian are
 * written by `buildShapedArabicScriptPdf`: pdf-lib's map keeps one text per glyph of the subset, and Noto
 * draws several letters with one glyph (medial yeh and Farsi yeh; dots added by `ccmp`), so its Arabic
 * came back with the wrong letters.
 */
export async function buildScriptCvPdf(script: GeneratedScript): Promise<Uint8Array> {
  const sample = scriptSamples[script];
  if (sample.rtl && script !== 'hebrew') return buildShapedArabicScriptPdf(sample);
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(readFileSync(require.resolve(sample.font)), { subset: true });
  const latin = await doc.embedFont(readFileSync(require.resolve(scriptSamples.greek.font)), { subset: true });
  const page = doc.addPage([pageWidth, 842]);
  const place = (width: number) => (sample.rtl ? pageWidth - margin - width : margin);
  let y = 780;
  for (const [index, line] of sample.lines.entries()) {
    const { size, advance } = lineLayout(index);
    page.drawText(line, { x: place(font.widthOfTextAtSize(line, size)), y, size, font });
    y -= advance;
    if (index === 1) {
      page.drawText(contactLine, { x: place(latin.widthOfTextAtSize(contactLine, 10)), y, size: 10, font: latin });
      y -= 30;
    }
  }
  return doc.save();
}

/**
 * Arabic-script text as Word and browsers write it: shaped glyphs (joining forms, lam-alef) of an embedded
 * TrueType font drawn in visual order, with character codes of our own so that every distinct (glyph,
 * letters) pair has its own code, a CIDToGIDMap from codes to glyphs and a ToUnicode map from codes to the
 * letters. The whole font is embedded (no subset), the Latin contact line included.
 */
async function buildShapedArabicScriptPdf(sample: ScriptSample): Promise<Uint8Array> {
  const fontBytes = readFileSync(require.resolve(sample.font));
  const font = fontkit.create(fontBytes);
  const emScale = 1000 / font.unitsPerEm;
  const codes = new Map<string, { code: number; glyph: number; text: string; width: number }>();
  const encode = (line: string) => {
    // Decomposing letters into a dotless base and dots (ccmp) would make one glyph stand for several letters.
    const run = font.layout(line, { ccmp: false });
    let hex = '';
    let width = 0;
    for (const [index, glyph] of run.glyphs.entries()) {
      const advance = Math.round((run.positions[index]?.xAdvance ?? glyph.advanceWidth) * emScale);
      // fontkit draws default-ignorable characters as a space glyph with no advance; in these samples that is ZWNJ.
      const text = advance === 0 && glyph.codePoints.join() === '32' ? '\u200C' : String.fromCodePoint(...glyph.codePoints);
      const key = `${glyph.id}:${text}:${advance}`;
      let entry = codes.get(key);
      if (!entry) {
        entry = { code: codes.size + 1, glyph: glyph.id, text, width: advance };
        codes.set(key, entry);
      }
      hex += entry.code.toString(16).padStart(4, '0');
      width += entry.width;
    }
    return { hex, width };
  };
  const drawn: string[] = [];
  let y = 780;
  const draw = (line: string, size: number) => {
    const { hex, width } = encode(line);
    drawn.push(`BT /F1 ${size} Tf ${(pageWidth - margin - (width * size) / 1000).toFixed(2)} ${y} Td <${hex}> Tj ET`);
  };
  for (const [index, line] of sample.lines.entries()) {
    const { size, advance } = lineLayout(index);
    draw(line, size);
    y -= advance;
    if (index === 1) {
      draw(contactLine, 10);
      y -= 30;
    }
  }
  const entries = [...codes.values()];
  const cidToGid = Buffer.alloc((entries.length + 1) * 2);
  for (const entry of entries) cidToGid.writeUInt16BE(entry.glyph, entry.code * 2);
  const mapped = entries.filter((entry) => entry.text !== '');
  const utf16Hex = (text: string) => Buffer.from(text, 'utf16le').swap16().toString('hex');
  const toUnicode = [
    '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def',
    '1 begincodespacerange <0000> <FFFF> endcodespacerange',
    // Glyphs that carry no letter of their own (the dots a letter was split into) stay out of the map.
    `${mapped.length} beginbfchar`,
    ...mapped.map((entry) => `<${entry.code.toString(16).padStart(4, '0')}> <${utf16Hex(entry.text)}>`),
    'endbfchar endcmap CMapName currentdict /CMap defineresource pop end end',
  ].join('\n');
  const widths = entries.map((entry) => `${entry.code} [${entry.width}]`).join(' ');
  const binary = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
  return assemblePdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type0 /BaseFont /NotoSansArabic /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 9 0 R >>',
    streamObject(drawn.join('\n')),
    `<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NotoSansArabic /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /W [${widths}] /CIDToGIDMap 8 0 R >>`,
    `<< /Type /FontDescriptor /FontName /NotoSansArabic /Flags 4 /FontBBox [${[font.bbox.minX, font.bbox.minY, font.bbox.maxX, font.bbox.maxY].map((v) => Math.round(v * emScale)).join(' ')}] /ItalicAngle 0 /Ascent ${Math.round(font.ascent * emScale)} /Descent ${Math.round(font.descent * emScale)} /CapHeight 700 /StemV 80 /FontFile2 10 0 R >>`,
    streamObject(binary(cidToGid)),
    streamObject(toUnicode),
    `<< /Length ${fontBytes.length} /Length1 ${fontBytes.length} >>\nstream\n${binary(fontBytes)}\nendstream`,
  ]);
}

/** The lines of the non-embedded CJK PDF (Simplified Chinese), as typed. */
export const nonEmbeddedCjkLines = ['王小明', '高级软件工程师', '工作经历', '阿里巴巴 技术专家', '负责支付系统的设计与开发', '教育背景', '北京大学 计算机科学 学士'];

/** Assembles a PDF from object bodies (numbered from 1, the first being the catalog), with a correct xref table. */
function assemblePdf(objects: string[]): Uint8Array {
  let body = '%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n';
  const offsets: number[] = [];
  for (const [index, object] of objects.entries()) {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  }
  const xrefAt = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(body, 'latin1'));
}

function streamObject(content: string): string {
  return `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;
}

/**
 * A Chinese CV page whose font is not embedded: a Type0 font on the predefined `UniGB-UCS2-H` CMap over a
 * CIDFontType0 `STSong-Light` without a FontFile, text drawn as UCS-2 hex strings (as older Acrobat and
 * many Asian producers write). Only an extractor with Adobe's CMaps can turn it back into text.
 */
export function buildNonEmbeddedCjkPdf(): Uint8Array {
  const hex = (line: string) => [...line].map((char) => (char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')).join('');
  const content = nonEmbeddedCjkLines.map((line, index) => `BT /F1 ${index === 0 ? 20 : 12} Tf 56 ${780 - index * 24} Td <${hex(line)}> Tj ET`).join('\n');
  return assemblePdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 7 0 R >>',
    '<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [5 0 R] >>',
    '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 6 0 R /DW 1000 >>',
    '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
    streamObject(content),
  ]);
}

/**
 * Renders page `pageNumber` of a PDF as a JPEG and wraps it in a new PDF with no text layer, as a scanner
 * would; with `keepTop`, the new page holds only that many points from the top of the original.
 */
export async function buildImageOnlyPdf(source: Uint8Array, pageNumber = 1, dpi = 200, keepTop?: number): Promise<Uint8Array> {
  const original = await openPdfDocument(source);
  try {
    const page = await original.getPage(pageNumber);
    const { width, height } = page.getViewport({ scale: 1 });
    const jpeg = await rasterisePdfPage(original, pageNumber, dpi, 'jpeg');
    const doc = await PDFDocument.create();
    const image = await doc.embedJpg(jpeg);
    const pageHeight = Math.min(keepTop ?? height, height);
    doc.addPage([width, pageHeight]).drawImage(image, { x: 0, y: pageHeight - height, width, height });
    return await doc.save();
  } finally {
    await original.destroy();
  }
}

/** The fixture CV used as the scanned page, and its reference text. */
export const scannedFixture = { pdf: 'cvs/openresume_react-pdf.pdf', reference: 'cvs/openresume_react-pdf.reference.txt' };

/** A scan of a one-page English CV (a 200-dpi JPEG, no text layer): reads through OCR. */
export async function buildScannedCvPdf(): Promise<Uint8Array> {
  return buildImageOnlyPdf(new Uint8Array(readFileSync(path.join(fixtureDir, scannedFixture.pdf))));
}

/**
 * An image-only page of Arabic text, a script without OCR data here: fails `no_text_layer`. Seven lines
 * (the top of the Arabic CV) prove it as well as a whole page, and are read in a fraction of the time.
 */
export async function buildArabicScanPdf(): Promise<Uint8Array> {
  return buildImageOnlyPdf(await buildScriptCvPdf('arabic'), 1, 200, 250);
}

/** fontkit's paths scale (`Path#scale` in its documentation); the typings of @pdf-lib/fontkit leave it out. */
type ScalablePath = Path & { scale(x: number, y: number): Path };

/** The lines of the outlined-text CV page. */
export const outlinedTextLines = [
  'Maria Schmidt',
  'Senior Product Designer',
  'maria.schmidt@example.com',
  'Experience',
  'Lead Designer at Northwind Studio, Hamburg',
  'Designed the booking flow used by two million travellers',
  'Education',
  'Master of Arts in Interaction Design, University of the Arts Berlin',
];

/**
 * A CV page whose text was converted to outlines, as design tools can export it: every glyph a filled path,
 * no text layer and no image. Only OCR can read it.
 */
export async function buildOutlinedTextPdf(): Promise<Uint8Array> {
  const font = fontkit.create(readFileSync(require.resolve(scriptSamples.greek.font)));
  const doc = await PDFDocument.create();
  const page = doc.addPage([pageWidth, 842]);
  let y = 780;
  for (const [index, line] of outlinedTextLines.entries()) {
    const { size, advance } = lineLayout(index);
    const scale = size / font.unitsPerEm;
    const run = font.layout(line);
    let pen = 0;
    for (const [glyphIndex, glyph] of run.glyphs.entries()) {
      // Font units grow upwards, SVG paths downwards: flip while scaling to the font size.
      const outline = (glyph.path as ScalablePath).scale(scale, -scale).toSVG();
      if (outline !== '') page.drawSvgPath(outline, { x: margin + pen, y });
      pen += (run.positions[glyphIndex]?.xAdvance ?? glyph.advanceWidth) * scale;
    }
    y -= advance;
  }
  return doc.save();
}

/** A born-digital CV (the one-page OpenResume fixture) followed by an image-only page of Arabic text: reads, without the picture. */
export async function buildCvWithUnreadableScanPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (const part of [readFileSync(path.join(fixtureDir, scannedFixture.pdf)), await buildArabicScanPdf()]) {
    const source = await PDFDocument.load(part);
    for (const page of await doc.copyPages(source, source.getPageIndices())) doc.addPage(page);
  }
  return doc.save();
}

/** A PDF encrypted with a user password (made once with qpdf, checked in): fails `pdf_encrypted`. */
export function encryptedPdf(): Uint8Array {
  return new Uint8Array(readFileSync(path.join(fixtureDir, 'generated/encrypted-user-password.pdf')));
}

/** A `%PDF-1.7` header followed by pseudo-random bytes (the same every run): fails `file_corrupt`. */
export function buildCorruptPdf(size = 64 * 1024): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set(Buffer.from('%PDF-1.7\n', 'latin1'));
  let state = 0x2545f491;
  for (let i = 9; i < size; i++) {
    // xorshift32: fast, deterministic noise.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/** The first 40% of a fixture CV's bytes, as an interrupted upload leaves it: fails `file_corrupt`. */
export function buildTruncatedPdf(fixture = 'cvs/john-smith_word2016.pdf'): Uint8Array {
  const bytes = readFileSync(path.join(fixtureDir, fixture));
  return new Uint8Array(bytes.subarray(0, Math.floor(bytes.length * 0.4)));
}

/** A valid PDF of `pages` pages (default 5000) sharing one content stream under a flat page tree: fails `too_many_pages`. */
export function buildManyPagesPdf(pages = 5000): Uint8Array {
  const firstPage = 4;
  const kids = Array.from({ length: pages }, (_, i) => `${firstPage + i} 0 R`).join(' ');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${kids}] /Count ${pages} /MediaBox [0 0 595 842] /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>`,
    streamObject('BT /F1 12 Tf 56 780 Td (Page of a very long document) Tj ET'),
  ];
  for (let i = 0; i < pages; i++) objects.push('<< /Type /Page /Parent 2 0 R /Contents 3 0 R >>');
  return assemblePdf(objects);
}
