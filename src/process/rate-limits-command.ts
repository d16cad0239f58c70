import type { Config } from '../config.js';
import { createFeatures } from '../features.js';
import { resettableScopes, type ResettableScope } from '../features/limits/service.js';
import { findUserByLogin } from '../features/users/repository.js';
import { createLogger } from '../logger.js';
import { startServices } from './start-services.js';
import { textTable } from './text-table.js';

/** A refusal meant for the person at the terminal (exit code 2). */
export class RateLimitsCommandError extends Error {}

export interface RateLimitsOptions {
  user: string;
  scope: string;
  json?: boolean;
}

function scopesOf(scope: string): readonly ResettableScope[] {
  if (scope === 'all') return resettableScopes;
  const found = resettableScopes.find((candidate) => candidate === scope);
  if (!found) throw new RateLimitsCommandError(`unknown scope "${scope}": use all, ${resettableScopes.join(', ')}`);
  return [found];
}

/**
 * `rate-limits show|reset`: a person's limits as enforced, or a fresh start of their daily usage and
 * request counters. Counters a running embedded server keeps in its own memory are out of reach of
 * another process; they end with their window (at most an hour).
 */
export async function runRateLimitsCommand(config: Config, action: 'show' | 'reset', options: RateLimitsOptions): Promise<string> {
  const scopes = scopesOf(options.scope);
  const services = await startServices(config, { logger: createLogger(config.logLevel), role: 'admin', schema: 'migrate' });
  try {
    const features = createFeatures(services);
    const user = await findUserByLogin(services.database.db, options.user);
    if (!user) throw new RateLimitsCommandError(`no account with the username or e-mail "${options.user}"`);
    if (action === 'reset') {
      const result = await features.quotas.reset(user.id, scopes);
      const memoryNote = services.counters.kind === 'memory' && scopes.some((scope) => scope === 'api_calls' || scope === 'burst')
        ? '\nnote: without REDIS_URL, a running server counts requests in its own memory, which this command cannot reach; those counters end within the hour'
        : '';
      return `reset ${scopes.join(', ')} for ${user.username}: ${result.usageRows} usage records forgotten, ${result.counters} request counters cleared${memoryNote}\n`;
    }
    const status = await features.quotas.status(user);
    if (options.json) return `${JSON.stringify(status, null, 2)}\n`;
    const shown = Object.entries(status.rate_limits).filter(([scope]) => options.scope === 'all' || scope === options.scope);
    const rows = [
      ['scope', 'limit', 'used', 'remaining', 'status', 'resets at'],
      ...shown.map(([scope, entry]) => [scope, String(entry.limit), String(entry.used), String(entry.remaining), entry.status, entry.reset_at]),
    ];
    const table = textTable(rows, (column) => column === 0 || column >= 4);
    return [`${status.user.username} <${status.user.email}>, plan ${status.user.plan}`, ...table, `upgrade: ${status.upgrade_recommendation.reason}`].join('\n') + '\n';
  } finally {
    await services.close();
  }
}
