import { mkdir, readlink, symlink, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Languages with recognition data shipped in npm packages (no download at run time). */
export const ocrLanguages = ['eng', 'fra'] as const;
export type OcrLanguage = (typeof ocrLanguages)[number];

/** The LSTM model of a language: the `4.0.0_best_int` folder of `@tesseract.js-data/<code>`, gzipped. */
function traineddataFile(code: OcrLanguage): string {
  return path.join(path.dirname(require.resolve(`@tesseract.js-data/${code}/package.json`)), '4.0.0_best_int', `${code}.traineddata.gz`);
}

async function linkInto(dir: string, code: OcrLanguage): Promise<void> {
  const target = traineddataFile(code);
  const link = path.join(dir, `${code}.traineddata.gz`);
  try {
    await symlink(target, link);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Made by an earlier run or another thread; replaced only if it points elsewhere (a moved install).
    if ((await readlink(link)) === target) return;
    await unlink(link);
    await symlink(target, link);
  }
}

let prepared: Promise<string> | undefined;

/**
 * A folder holding every OCR language's model, for tesseract.js's `langPath`. Each language comes in its own
 * npm package, tesseract.js reads all of them from one folder, and its other way in (language objects with
 * their bytes) is broken in 7.0.0 (it passes the bytes as the language name), so the folder is made of links.
 */
export function ocrLanguagePath(): Promise<string> {
  prepared ??= (async () => {
    const dir = path.join(os.tmpdir(), `cvimprover-tessdata-${process.getuid?.() ?? 'user'}`);
    await mkdir(dir, { recursive: true });
    for (const code of ocrLanguages) await linkInto(dir, code);
    return dir;
  })();
  return prepared;
}
