import type { App } from '../../src/app.js';
import { waitFor } from './wait-for.js';

/** What the tests read of a document. */
export interface DocumentState {
  id: number;
  questionnaire: number;
  ai_response: number | null;
  source: 'improvement' | 'cv' | 'markdown';
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  error: { code: string; message: string } | null;
  template: string;
  options: { paper: string; accent: string; font_size: number; language: string | null; max_pages: number | null };
  pages: number | null;
  bytes: number | null;
  text_recall: number | null;
  warnings: { code: string; message: string; words?: string[] }[];
  dropped: { path: string; section: string; text: string }[];
  file_name: string | null;
  download_url: string | null;
  links: { self: string; download: string; questionnaire: string; ai_response: string | null };
}

/** Polls a document until it has succeeded or failed, as a client would. */
export function documentSettled(app: App, auth: Record<string, string>, id: number, timeoutMs = 30_000): Promise<DocumentState> {
  return waitFor(
    async () => {
      const body = (await app.inject({ method: 'GET', url: `/cv/documents/${id}/`, headers: auth })).json<DocumentState>();
      return body.status === 'succeeded' || body.status === 'failed' ? body : undefined;
    },
    timeoutMs,
    `document ${id}`,
    50,
  );
}
