import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Languages with recognition data shipped in npm packages (no download at run time). */
export const ocrLanguages = ['eng', 'fra'] as const;
export type OcrLanguage = (typeof ocrLanguages)[number];

/** Loads a language's LSTM model (the `4.0.0_best_int` folder of `@tesseract.js-data/<code>`), still gzipped. */
export async function loadTraineddata(code: OcrLanguage): Promise<{ code: string; data: Uint8Array }> {
  const packageDir = path.dirname(require.resolve(`@tesseract.js-data/${code}/package.json`));
  const data = await readFile(path.join(packageDir, '4.0.0_best_int', `${code}.traineddata.gz`));
  return { code, data: new Uint8Array(data) };
}
