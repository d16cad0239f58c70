import { threadId } from 'node:worker_threads';
import { extractDocument } from '../extract/extract-document.js';
import type { ExtractionFailure, ExtractionLimits, ExtractionSource } from '../extract/extraction.js';
import { parseResume, type ParsedCv } from '../../resume/parse-resume.js';

// Runs inside worker threads. Every CPU-heavy step of a job is a task here, so the event loop
// that answers HTTP requests never does that work itself.

/** Proves a thread can take work: answers which thread it is. */
function probe(): { threadId: number } {
  return { threadId };
}

/** A CV read from its file: the text, where it came from, and the structured CV parsed from it. */
export type CvReading = ({ ok: true; text: string; source: ExtractionSource } & ParsedCv) | ExtractionFailure;

/** Reads an uploaded CV's text and parses it into a structured CV, in one trip to a thread. */
async function readCv(bytes: Uint8Array, limits: ExtractionLimits): Promise<CvReading> {
  const extracted = await extractDocument(bytes, limits);
  if (!extracted.ok) return extracted;
  return { ...extracted, ...parseResume(extracted.text) };
}

export const cpuTasks = { probe, readCv } as const;

export type CpuTasks = typeof cpuTasks;
export type CpuTaskName = keyof CpuTasks;

export interface CpuTaskRequest<K extends CpuTaskName = CpuTaskName> {
  task: K;
  input: Parameters<CpuTasks[K]>;
}

export default function runCpuTask(request: CpuTaskRequest): unknown {
  const task = cpuTasks[request.task] as (...args: unknown[]) => unknown;
  return task(...request.input);
}
