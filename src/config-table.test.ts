import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configurationTable } from './config-table.js';
import { packageRoot } from './paths.js';

describe('README configuration table', () => {
  it('is the one the settings produce (run `npm run cli -- config-table` to refresh it)', async () => {
    const readme = await readFile(path.join(packageRoot, 'README.md'), 'utf8');
    expect(readme).toContain(configurationTable());
  });
});
