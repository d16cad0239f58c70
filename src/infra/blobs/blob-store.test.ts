import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryBlobStore } from './blob-store.js';

describe('DirectoryBlobStore', () => {
  let root: string;
  let store: DirectoryBlobStore;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'cvimprover-blobs-'));
    store = new DirectoryBlobStore(root);
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it('stores bytes under a generated key and gives them back', async () => {
    const bytes = new TextEncoder().encode('%PDF-1.7 a CV');
    const key = await store.put('uploads', bytes);
    expect(key).toMatch(/^uploads\/[0-9a-f]{2}\/[0-9a-f-]{36}$/);
    expect(new Uint8Array((await store.get(key)) ?? [])).toEqual(bytes);
    const again = await store.put('uploads', bytes);
    expect(again).not.toBe(key);
  });

  it('leaves no temporary files behind', async () => {
    await store.put('uploads', new Uint8Array([1, 2, 3]));
    const files = await readdir(root, { recursive: true });
    expect(files.filter((file) => file.endsWith('.tmp'))).toEqual([]);
  });

  it('answers undefined for a key it does not hold, and deletes', async () => {
    const key = await store.put('pdfs', new Uint8Array([7]));
    await store.delete(key);
    expect(await store.get(key)).toBeUndefined();
    await store.delete(key); // deleting twice is harmless
  });

  it.each(['../../etc/passwd', 'uploads/../../secret', '/etc/passwd', 'uploads/aa/not-a-uuid', 'Uploads/aa/00000000-0000-0000-0000-000000000000'])(
    'refuses a key it could not have made: %s',
    async (key) => {
      await expect(store.get(key)).rejects.toThrow('Not a blob key');
      await expect(store.delete(key)).rejects.toThrow('Not a blob key');
    },
  );
});
