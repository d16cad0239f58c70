import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '../../src/logger.js';

/** A logger made as the service makes its own, writing into memory: `lines` as written, one per entry. */
export function memoryLog(level = 'info'): { logger: Logger; lines: string[]; entries(): Record<string, unknown>[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger(level, sink), lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
