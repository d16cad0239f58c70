import { fileURLToPath } from 'node:url';

/** The package root, the same from src/ (tests) and from dist/ (built). */
export const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/** Turns a module's own URL and a sibling name into the path to load in a worker thread. */
export function siblingModulePath(moduleUrl: string, name: string): string {
  const extension = moduleUrl.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`./${name}${extension}`, moduleUrl));
}
