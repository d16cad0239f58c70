import type { App } from '../../src/app.js';
import { waitFor } from './wait-for.js';

/** What the tests read of an improvement. */
export interface ImprovementState {
  id: number;
  questionnaire: number;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: number;
  error: { code: string; message: string } | null;
  response_text: string | null;
  resume: Record<string, unknown> | null;
  changes: { section: string; path: string; kind: string; before: string | null; after: string | null; reason: string }[];
  analysis: { before: AnalysisState | null; after: AnalysisState | null };
  usage: { provider: string; model: string; input_tokens: number; output_tokens: number; latency_ms: number; calls: number } | null;
  links: { self: string; events: string; questionnaire: string };
}

export interface AnalysisState {
  overall_score: number;
  keyword_match: number;
  keywords: { total: number; coverage: number; found: { keyword: string; found_in: string[] }[]; missing: { keyword: string; found_in: string[] }[] };
  fabrications?: { path: string; kind: string; value: string; reverted_to: string | null }[];
  gaps?: string[];
}

export const questionnaireFields = {
  position: 'Senior Backend Engineer',
  industry: 'Software',
  experience_level: '6+',
  company_size: 'medium',
  location: 'Leeds',
  application_timeline: 'immediate',
  job_description:
    'We are hiring a Senior Backend Engineer.\n\nRequirements:\n- Python and Django\n- PostgreSQL and Redis\n- Docker and Kubernetes\n- Experience with AWS and Terraform\n- Mentoring engineers',
};

/** Creates a questionnaire and gives it a CV by importing a JSON Resume document (no extraction to wait for). */
export async function questionnaireWithCv(app: App, auth: Record<string, string>, resume: object, fields: Record<string, string> = questionnaireFields): Promise<number> {
  const created = await app.inject({ method: 'POST', url: '/cv/questionnaire/', headers: auth, payload: fields });
  if (created.statusCode !== 201) throw new Error(`questionnaire not created: ${created.statusCode} ${created.body}`);
  const { id } = created.json<{ id: number }>();
  const imported = await app.inject({ method: 'POST', url: `/cv/questionnaire/${id}/cv/import/`, headers: auth, payload: resume });
  if (imported.statusCode !== 200 && imported.statusCode !== 201) throw new Error(`CV not imported: ${imported.statusCode} ${imported.body}`);
  return id;
}

/** Polls an improvement until it has succeeded or failed, as a client would. */
export function improvementSettled(app: App, auth: Record<string, string>, id: number, timeoutMs = 30_000): Promise<ImprovementState> {
  return waitFor(
    async () => {
      const body = (await app.inject({ method: 'GET', url: `/cv/ai-responses/${id}/`, headers: auth })).json<ImprovementState>();
      return body.status === 'succeeded' || body.status === 'failed' ? body : undefined;
    },
    timeoutMs,
    `improvement ${id}`,
    50,
  );
}
