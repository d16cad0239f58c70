import type { JobHandler } from './job-handler.js';

/** The handlers by kind; refuses to start when two handlers claim one kind. */
export function jobHandlersByKind(list: readonly JobHandler[]): ReadonlyMap<string, JobHandler> {
  const byKind = new Map<string, JobHandler>();
  for (const handler of list) {
    if (byKind.has(handler.kind)) throw new Error(`Two job handlers for kind ${handler.kind}`);
    byKind.set(handler.kind, handler);
  }
  return byKind;
}
