import { settings } from './config.js';

function describeDefault(spec: { fallback: unknown; shownDefault?: string }): string {
  if (spec.shownDefault) return spec.shownDefault;
  if (spec.fallback === undefined) return '—';
  if (Array.isArray(spec.fallback)) return `\`${spec.fallback.join(',')}\``;
  const value = typeof spec.fallback === 'string' || typeof spec.fallback === 'number' ? String(spec.fallback) : JSON.stringify(spec.fallback);
  return `\`${value}\``;
}

/** The README's configuration table, made from the settings themselves so the two cannot drift. */
export function configurationTable(): string {
  const rows = Object.values(settings).map((spec) => `| \`${spec.env}\` | ${spec.doc} | ${describeDefault(spec)} |`);
  return ['| variable | meaning | default |', '|---|---|---|', ...rows].join('\n');
}
