import type { App } from '../../src/app.js';
import { waitFor } from './wait-for.js';

/** What the tests read of a questionnaire while its upload is read. */
export interface QuestionnaireState {
  id: number;
  extraction_status: string | null;
  extraction_error: { code: string; message: string } | null;
}

/** Polls a questionnaire until reading its upload has ended (succeeded or failed), as a client would. */
export function extractionSettled<T extends QuestionnaireState = QuestionnaireState>(app: App, auth: Record<string, string>, id: number, timeoutMs = 30_000): Promise<T> {
  return waitFor(
    async () => {
      const body = (await app.inject({ method: 'GET', url: `/cv/questionnaire/${id}/`, headers: auth })).json<T>();
      return body.extraction_status === 'succeeded' || body.extraction_status === 'failed' ? body : undefined;
    },
    timeoutMs,
    `the extraction of questionnaire ${id}`,
    100,
  );
}
