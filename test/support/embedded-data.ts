import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';

/**
 * A DATA_DIR for an embedded process, copied from one made once this run: `empty` as a first start
 * leaves it (before any migration), `migrated` with the schema and the plans. The caller removes it.
 */
export async function embeddedDataDir(kind: 'empty' | 'migrated', prefix = 'cvimprover-embedded-'): Promise<string> {
  const dataDir = await mkdtemp(path.join(tmpdir(), prefix));
  await cp(inject('embeddedTemplates')[kind], dataDir, { recursive: true });
  return dataDir;
}
