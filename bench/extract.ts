// Extraction figures per fixture CV: time, word recall against its hand-corrected reference, and the
// structured-CV checks passed against test/fixtures/cvs/expected.json. Run with `npm run bench:extract`.
//
// The ceiling is the engine alone, measured in the same run on the same file: pdf.js's raw text
// (getTextContent joined, no reading order, no repair, no OCR), mammoth's raw text for DOCX, a plain
// decode for TXT. Each figure is printed as a ratio to it. Set EXTRACT_DUMP_DIR to keep each text.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mammoth from 'mammoth';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { extractDocument } from '../src/infra/extract/extract-document.js';
import { wordRecall } from '../src/infra/extract/word-recall.js';
import { parseResume } from '../src/resume/parse-resume.js';
import { compareWithExpected, type CvExpectation } from '../test/support/cv-expectations.js';
import { printColumns } from './support.js';

const FIXTURES = 'test/fixtures/cvs';
const RUNS = Number(process.env.EXTRACT_RUNS ?? 5);

/** The engine alone: what the libraries give with nothing of ours around them. */
async function engineText(file: string, bytes: Uint8Array): Promise<string> {
  if (file.endsWith('.pdf')) {
    const doc = await getDocument({ data: bytes.slice(), isEvalSupported: false, disableFontFace: true, verbosity: 0 }).promise;
    const parts: string[] = [];
    for (let number = 1; number <= doc.numPages; number++) {
      const page = await doc.getPage(number);
      const content = await page.getTextContent();
      for (const item of content.items) if ('str' in item) parts.push(item.str, item.hasEOL ? '\n' : ' ');
      page.cleanup();
    }
    await doc.destroy();
    return parts.join('');
  }
  if (file.endsWith('.docx')) return (await mammoth.extractRawText({ buffer: Buffer.from(bytes) })).value;
  return new TextDecoder().decode(bytes);
}

/** Median of `RUNS` timed runs after one warm-up. */
async function medianMs(task: () => Promise<unknown>): Promise<number> {
  await task();
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    await task();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  const expectations = JSON.parse(await readFile(path.join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, CvExpectation>;
  const files = (await readdir(FIXTURES)).filter((name) => /\.(pdf|docx|txt)$/.test(name) && !name.endsWith('.reference.txt')).sort();
  const dumpDir = process.env.EXTRACT_DUMP_DIR;
  if (dumpDir) await mkdir(dumpDir, { recursive: true });
  const lines: string[][] = [];
  let checks = 0;
  let passed = 0;
  let recallSum = 0;
  for (const file of files) {
    const bytes = new Uint8Array(await readFile(path.join(FIXTURES, file)));
    const reference = await readFile(path.join(FIXTURES, `${file.replace(/\.(pdf|docx|txt)$/, '')}.reference.txt`), 'utf8');
    const outcome = await extractDocument(bytes);
    if (!outcome.ok) throw new Error(`${file}: ${outcome.code} ${outcome.message}`);
    const ours = await medianMs(() => extractDocument(bytes));
    const engine = await medianMs(() => engineText(file, bytes));
    const parseMs = await medianMs(async () => parseResume(outcome.text));
    const recall = wordRecall(reference, outcome.text).recall;
    const engineRecall = wordRecall(reference, await engineText(file, bytes)).recall;
    const expected = expectations[file];
    const report = expected ? compareWithExpected(parseResume(outcome.text).resume, expected) : { checks: 0, passed: 0, failures: [] };
    checks += report.checks;
    passed += report.passed;
    recallSum += recall;
    if (dumpDir) await writeFile(path.join(dumpDir, `${file}.txt`), outcome.text);
    lines.push([
      file,
      ours.toFixed(1),
      engine.toFixed(1),
      (ours / engine).toFixed(2),
      parseMs.toFixed(2),
      (recall * 100).toFixed(1),
      (engineRecall * 100).toFixed(1),
      `${report.passed}/${report.checks}`,
    ]);
  }
  console.log(`Extraction of ${files.length} fixture CVs (median of ${RUNS} runs, one thread; engine = the library alone on the same file)`);
  printColumns(['fixture', 'ours ms', 'engine ms', 'ratio', 'parse ms', 'recall %', 'engine recall %', 'parse checks'], lines);
  console.log(`mean word recall ${((recallSum / files.length) * 100).toFixed(1)} %; structured-CV checks passed ${passed}/${checks} (${((passed / checks) * 100).toFixed(1)} %)`);
}

await main();
