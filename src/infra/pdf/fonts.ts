// The fonts every template renders with, installed from npm so a render needs no system font. Noto Sans
// carries Latin (Vietnamese included), Cyrillic and Greek; the others add one script each. Noto Sans SC
// draws Chinese and Japanese (kana and kanji); it has no Hangul, hence Noto Sans KR after it.
// Arabic and Persian use Vazirmatn, not a Noto Arabic font: those draw a letter's dots as separate glyphs,
// and Typst's text layer then repeats the letter (شش for ش), which breaks the text ATS software reads.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { coversCodePoint, readCmapCoverage, type CodePointRange } from './font-cmap.js';

/** One font file and the family name a template asks for it by. */
export interface FontFace {
  family: string;
  path: string;
}

/** The fonts a renderer loads, and the order in which a template falls back from one family to the next. */
export interface FontSet {
  faces: readonly FontFace[];
  /** Family names for Typst's `text(font: ...)`, first choice first. */
  families: readonly string[];
}

const require = createRequire(import.meta.url);

function face(family: string, file: string): FontFace {
  return { family, path: require.resolve(file) };
}

/** Regular, bold and (for Latin) italic: what the templates use; other weights stay on disk. */
export const bundledFonts: FontSet = {
  faces: [
    face('Noto Sans', '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf'),
    face('Noto Sans', '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf'),
    face('Noto Sans', '@expo-google-fonts/noto-sans/400Regular_Italic/NotoSans_400Regular_Italic.ttf'),
    face('Noto Sans Hebrew', '@expo-google-fonts/noto-sans-hebrew/400Regular/NotoSansHebrew_400Regular.ttf'),
    face('Noto Sans Hebrew', '@expo-google-fonts/noto-sans-hebrew/700Bold/NotoSansHebrew_700Bold.ttf'),
    face('Vazirmatn', '@expo-google-fonts/vazirmatn/400Regular/Vazirmatn_400Regular.ttf'),
    face('Vazirmatn', '@expo-google-fonts/vazirmatn/700Bold/Vazirmatn_700Bold.ttf'),
    face('Noto Sans SC', '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'),
    face('Noto Sans SC', '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf'),
    face('Noto Sans KR', '@expo-google-fonts/noto-sans-kr/400Regular/NotoSansKR_400Regular.ttf'),
    face('Noto Sans KR', '@expo-google-fonts/noto-sans-kr/700Bold/NotoSansKR_700Bold.ttf'),
  ],
  families: ['Noto Sans', 'Noto Sans Hebrew', 'Vazirmatn', 'Noto Sans SC', 'Noto Sans KR'],
};

/** Which characters a set of fonts can draw. */
export class FontCoverage {
  private constructor(private readonly perFace: readonly CodePointRange[][]) {}

  /** Reads the `cmap` of every face in the set. */
  static async load(fonts: FontSet): Promise<FontCoverage> {
    const perFace = await Promise.all(fonts.faces.map(async (font) => readCmapCoverage(await readFile(font.path))));
    return new FontCoverage(perFace);
  }

  /** The distinct characters of `text` that no face has a glyph for, in order of first appearance. */
  missingCharacters(text: string): string[] {
    const missing = new Set<string>();
    for (const character of text) {
      if (missing.has(character) || isNeverDrawn(character)) continue;
      const codePoint = character.codePointAt(0) as number;
      if (!this.perFace.some((ranges) => coversCodePoint(ranges, codePoint))) missing.add(character);
    }
    return [...missing];
  }
}

// White space, controls and format characters (joiners, direction marks, soft hyphens) and variation
// selectors steer layout and shaping; no font needs a glyph of its own for them.
const neverDrawn = /^[\p{White_Space}\p{Cc}\p{Cf}\u{FE00}-\u{FE0F}\u{E0100}-\u{E01EF}]$/u;

function isNeverDrawn(character: string): boolean {
  return neverDrawn.test(character);
}

/** Every string value in `data` (not the keys, which templates do not print), joined by newlines. */
export function printedText(data: unknown): string {
  const parts: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') parts.push(value);
    else if (typeof value === 'number') parts.push(String(value));
    else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(visit);
  };
  visit(data);
  return parts.join('\n');
}

/** Names characters for a message: `"𓀀" (U+13000)`. */
export function describeCharacters(characters: readonly string[]): string {
  return characters.map((character) => `"${character}" (U+${(character.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')})`).join(', ');
}
