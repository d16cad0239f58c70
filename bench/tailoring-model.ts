// A fake language model for the benchmarks that behaves more like a real one than the tests' fake:
// it tailors the CV to the advert (highlights that name the advert's keywords come first, weak
// openings become verbs) and, as real models are known to do, it also claims the advert's keywords
// the CV has no evidence for, as an extra skills group. The truthfulness check must take those out.
import type { FakeLlmRequest, FakeReply } from '../test/support/fake-llm-server.js';
import { promptOf, sentCv } from '../test/support/fake-model.js';

/** The name of the skills group the model invents from the advert's missing keywords. */
export const INVENTED_SKILLS_GROUP = 'Key requirements';

type Entry = Record<string, unknown> & { highlights?: unknown };

/** The keywords listed in one of the prompt's keyword blocks (`- keyword (in work, skills)` per line). */
function keywordsIn(prompt: string, block: 'keywords_found' | 'keywords_missing'): string[] {
  const content = new RegExp(`<${block}>\\n([\\s\\S]*?)\\n</${block}>`).exec(prompt)?.[1] ?? '';
  return content
    .split('\n')
    .map((line) => /^- (.+?)(?: \(in [^)]*\))?$/.exec(line.trim())?.[1])
    .filter((keyword): keyword is string => keyword !== undefined);
}

/** A keyword as a whole word (C++ and Node.js included), singular or plural, whatever the case. */
export function keywordPattern(keyword: string): RegExp {
  const stem = /[^s]s$/i.test(keyword) ? keyword.slice(0, -1) : keyword;
  const escaped = stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}s?(?![\\p{L}\\p{N}])`, 'iu');
}

function strengthenOpening(line: string): string {
  return line.replace(/^Responsible for managing /, 'Managed ').replace(/^Responsible for maintaining /, 'Maintained ').replace(/^Helped (to )?/, 'Supported ');
}

/** Highlights that name more of the advert's keywords first; ties keep their order. */
function tailorHighlights(entries: unknown, section: string, keywords: string[], changes: { path: string; reason: string }[]): void {
  if (!Array.isArray(entries)) return;
  entries.forEach((entry: Entry, index) => {
    if (!Array.isArray(entry.highlights)) return;
    const lines = (entry.highlights as unknown[]).filter((line): line is string => typeof line === 'string');
    const ranked = lines
      .map((line, at) => ({ line: strengthenOpening(line), at, hits: keywords.filter((keyword) => keywordPattern(keyword).test(line)).length }))
      .sort((a, b) => b.hits - a.hits || a.at - b.at);
    ranked.forEach((item, position) => {
      if (item.at !== position || item.line !== lines[item.at]) {
        changes.push({ path: `/${section}/${index}/highlights/${position}`, reason: 'Brings what the advert asks for forward, opening with an action verb.' });
      }
    });
    entry.highlights = ranked.map((item) => item.line);
  });
}

/**
 * Answers an improvement request as a keen model would: tailored, and with the advert's missing
 * keywords claimed as skills (what the truthfulness check must remove). `delayMs` is its latency.
 */
export function tailoringModel(options: { delayMs?: number } = {}): (request: FakeLlmRequest) => FakeReply {
  return (request) => {
    const cv = sentCv(request);
    const prompt = promptOf(request);
    const found = keywordsIn(prompt, 'keywords_found');
    const missing = keywordsIn(prompt, 'keywords_missing');
    const changes: { path: string; reason: string }[] = [];
    for (const section of ['work', 'volunteer', 'projects']) tailorHighlights(cv[section], section, found, changes);
    if (missing.length > 0) {
      const skills = Array.isArray(cv.skills) ? (cv.skills as unknown[]) : [];
      skills.push({ name: INVENTED_SKILLS_GROUP, keywords: missing });
      cv.skills = skills;
      changes.push({ path: `/skills/${skills.length - 1}`, reason: 'Shows the skills the advert asks for.' });
    }
    return { content: JSON.stringify({ resume: cv, changes }), ...(options.delayMs ? { delayMs: options.delayMs } : {}) };
  };
}
