import { passwordResetMailJob } from '../features/auth/jobs.js';
import { queueProbeJob } from '../features/health/jobs.js';
import type { Services } from '../services.js';
import type { JobHandler } from './job-handler.js';

/** Every kind of background job, registered in this one place. */
const handlers: JobHandler<Services>[] = [queueProbeJob, passwordResetMailJob];

/** The handlers by kind; refuses to start when two handlers claim one kind. */
export function jobHandlersByKind(list: JobHandler<Services>[] = handlers): ReadonlyMap<string, JobHandler<Services>> {
  const byKind = new Map<string, JobHandler<Services>>();
  for (const handler of list) {
    if (byKind.has(handler.kind)) throw new Error(`Two job handlers for kind ${handler.kind}`);
    byKind.set(handler.kind, handler);
  }
  return byKind;
}
