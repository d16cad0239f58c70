import type { Config } from '../config.js';
import { listPlans, updatePlanAllowances, type PlanAllowanceChanges, type PlanRow } from '../features/plans/repository.js';
import { createLogger } from '../logger.js';
import { startServices } from './start-services.js';
import { textTable } from './text-table.js';

/** A refusal meant for the person at the terminal (exit code 2). */
export class PlansCommandError extends Error {}

/** The plan column each option of the command sets (the options are declared in main.ts). */
const allowanceColumns = {
  aiResponses: 'aiResponsesPerDay',
  questionnaires: 'questionnairesPerDay',
  uploads: 'uploadsPerDay',
  cvUploads: 'cvUploadsPerDay',
  apiCalls: 'apiCallsPerHour',
  burst: 'burstPerMinute',
} as const satisfies Record<string, keyof PlanAllowanceChanges>;

const flagOf = (option: string) => `--${option.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

export type AllowanceOptions = Partial<Record<keyof typeof allowanceColumns, number>>;

function table(rows: PlanRow[]): string {
  const lines = [
    ['plan', 'ai_responses', 'questionnaires', 'uploads', 'cv_uploads', 'api_calls/h', 'burst/min'],
    ...rows.map((row) => [row.name, ...[row.aiResponsesPerDay, row.questionnairesPerDay, row.uploadsPerDay, row.cvUploadsPerDay, row.apiCallsPerHour, row.burstPerMinute].map(String)]),
  ];
  return textTable(lines, (column) => column === 0).join('\n') + '\n';
}

/**
 * `plans list|set`: the plans' limits, and a way to change them without SQL (a self-hosted instance
 * may want no daily limits at all). Running processes see a change within five minutes, the longest
 * they keep a plan in memory; new sign-ins at once.
 */
export async function runPlansCommand(config: Config, action: 'list' | 'set', name: string | undefined, options: AllowanceOptions): Promise<string> {
  const services = await startServices(config, { logger: createLogger(config.logLevel), role: 'admin', schema: 'migrate' });
  try {
    const { db } = services.database;
    if (action === 'list') return table(await listPlans(db));
    if (!name) throw new PlansCommandError('plans set needs the name of a plan');
    const changes: PlanAllowanceChanges = {};
    for (const [option, column] of Object.entries(allowanceColumns) as [keyof typeof allowanceColumns, keyof PlanAllowanceChanges][]) {
      const value = options[option];
      if (value !== undefined) changes[column] = value;
    }
    if (Object.keys(changes).length === 0) throw new PlansCommandError(`nothing to set: give one or more of ${Object.keys(allowanceColumns).map(flagOf).join(', ')}`);
    const updated = await updatePlanAllowances(db, name, changes);
    if (!updated) throw new PlansCommandError(`no plan named "${name}": ${(await listPlans(db)).map((row) => row.name).join(', ')}`);
    return table([updated]);
  } finally {
    await services.close();
  }
}
