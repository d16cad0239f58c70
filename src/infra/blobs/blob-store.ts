import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Stored files (uploads, rendered PDFs). Keys are generated here, never taken from a user's file name. */
export interface BlobStore {
  put(namespace: string, bytes: Uint8Array): Promise<string>;
  get(key: string): Promise<Buffer | undefined>;
  delete(key: string): Promise<void>;
}

const KEY_PATTERN = /^[a-z][a-z0-9-]{0,30}\/[0-9a-f]{2}\/[0-9a-f-]{36}$/;

/** Blobs as files in one directory, written atomically (temp file, then rename). */
export class DirectoryBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new Error(`Not a blob key: ${key}`);
    return path.join(this.root, key);
  }

  async put(namespace: string, bytes: Uint8Array): Promise<string> {
    const id = randomUUID();
    const key = `${namespace}/${id.slice(0, 2)}/${id}`;
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, bytes, { flag: 'wx' });
    await rename(temporary, target);
    return key;
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}
