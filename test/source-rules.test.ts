import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/paths.js';

/** The service's own source files (not its tests). */
async function sourceFiles(): Promise<{ file: string; text: string }[]> {
  const root = path.join(packageRoot, 'src');
  const names = (await readdir(root, { recursive: true })).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
  return Promise.all(names.map(async (name) => ({ file: `src/${name}`, text: await readFile(path.join(root, name), 'utf8') })));
}

// A handler that drops what it caught: nothing logged, nothing returned, nothing rethrown.
const EMPTY_HANDLERS: [string, RegExp][] = [
  ['a .catch that drops the error', /\.catch\(\s*\(\s*\w*\s*(?::\s*\w+)?\s*\)\s*=>\s*(?:undefined|null|\{\s*\}|void\s+\w+)\s*\)/],
  ["an 'error' listener that drops the error", /\.on\(\s*['"]error['"]\s*,\s*\(\s*\w*\s*(?::\s*\w+)?\s*\)\s*=>\s*(?:undefined|null|\{\s*\}|void\s+\w+)\s*\)/],
  ['an empty catch block', /catch\s*(?:\(\s*\w*\s*(?::\s*\w+)?\s*\))?\s*\{\s*\}/],
  ['a callback for failures that does nothing', /on(?:Error|Compromised|Failed)\s*:\s*\(\s*\w*\s*\)\s*=>\s*(?:undefined|\{\s*\})/],
];

describe('the source', () => {
  it('has no error handler that drops what it caught', async () => {
    const found: string[] = [];
    for (const { file, text } of await sourceFiles()) {
      text.split('\n').forEach((line, index) => {
        for (const [what, pattern] of EMPTY_HANDLERS) if (pattern.test(line)) found.push(`${file}:${index + 1}: ${what}: ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });

  it('the check finds the handlers it is meant to find', () => {
    const samples = ["promise.catch(() => undefined);", "redis.on('error', () => undefined);", 'try { x(); } catch {}', 'onCompromised: () => undefined,', 'p.catch((error) => void error)'];
    for (const sample of samples) expect(EMPTY_HANDLERS.some(([, pattern]) => pattern.test(sample)), sample).toBe(true);
  });
});
