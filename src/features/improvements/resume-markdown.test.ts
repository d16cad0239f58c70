import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { JsonResume } from '../../resume/json-resume.js';
import { parseResume } from '../../resume/parse-resume.js';
import { escapeMarkdown, formatResumeDate, resumeAsMarkdown } from './resume-markdown.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/cvs/', import.meta.url));
const sample = JSON.parse(readFileSync(`${fixtures}jsonresume_sample.resume.json`, 'utf8')) as JsonResume;

/** Lines that Markdown would read as structure: headings, list items, quotes, rules, code fences, HTML. */
function structureLines(markdown: string): string[] {
  return markdown.split('\n').filter((line) => /^(?:#{1,6} |[-+*] |>|\d+[.)] |```|~~~|<|={3,}|-{3,}|\*{3,}|_{3,}| {4})/.test(line));
}

describe('resumeAsMarkdown', () => {
  it('writes the CV with its name, contact line, sections, roles, dates and bullets', () => {
    const markdown = resumeAsMarkdown(sample);
    const lines = markdown.split('\n');
    expect(lines[0]).toBe('# Richard Hendriks');
    expect(markdown).toContain('\nProgrammer\n');
    expect(markdown).toContain('richard.hendriks@mail.com · (912) 555-4321');
    expect(markdown).toContain('\n## Summary\n\nRichard hails from Tulsa.');
    expect(markdown).toContain('\n## Experience\n\n### CEO/President — Pied Piper\n\nDec 2013 – Dec 2014 | Palo Alto, CA');
    expect(markdown).toContain('\n- Successfully won Techcrunch Disrupt\n');
    expect(markdown).toContain('### Bachelor in Information Technology — University of Oklahoma');
    expect(markdown).toContain('- **Web Development** (Master): HTML, CSS, Javascript');
    expect(markdown).toContain('- English: Native speaker');
    // Sections follow the CV's own order.
    const headings = lines.filter((line) => line.startsWith('## '));
    expect(headings).toEqual(['## Summary', '## Experience', '## Volunteering', '## Education', '## Awards', '## Publications', '## Skills', '## Languages', '## Interests', '## References', '## Projects']);
  });

  it('shows an open end as Present and dates as month and year', () => {
    const markdown = resumeAsMarkdown({ work: [{ name: 'Acme', position: 'Engineer', startDate: '2020-03-15' }, { name: 'Beta', position: 'Intern', startDate: '2019', endDate: '2019' }] });
    expect(markdown).toContain('\nMar 2020 – Present\n');
    expect(markdown).toContain('\n2019\n');
    expect(formatResumeDate('2021-11')).toBe('Nov 2021');
    expect(formatResumeDate('2021')).toBe('2021');
    expect(formatResumeDate('summer 2021')).toBe('summer 2021');
  });

  it('escapes text that looks like Markdown or HTML so it prints as written', () => {
    const hostile: JsonResume = {
      basics: { name: '# Admin <script>alert(1)</script>', label: '- not a list', summary: '1. not a list\n> not a quote\n=====\n<img src=x onerror=alert(1)>' },
      work: [
        {
          name: '[click](javascript:alert(1))',
          position: '*Boss* _of_ `all`',
          startDate: '2020',
          highlights: ['# heading?', '- nested?', '![img](http://x/y.png) &amp; | table | ~~gone~~', '---', '    indented code'],
        },
      ],
      skills: [{ name: '**bold**', keywords: ['<b>', 'C#'] }],
    };
    const markdown = resumeAsMarkdown(hostile);
    expect(markdown).not.toMatch(/(?<!\\)<[a-z/!]/i);
    expect(markdown).not.toMatch(/(?<!\\)\[/);
    expect(markdown).not.toMatch(/(?<!\\)`/);
    expect(markdown).not.toMatch(/(?<!\\)&/);
    expect(markdown).toContain('# \\# Admin \\<script\\>alert(1)\\</script\\>');
    expect(markdown).toContain('### \\*Boss\\* \\_of\\_ \\`all\\` — \\[click\\](javascript:alert(1))');
    expect(markdown).toContain('- \\# heading?');
    expect(markdown).toContain('- \\- nested?');
    expect(markdown).toContain('- \\---\n');
    expect(markdown).toContain('- indented code');
    expect(markdown).toContain('- **\\*\\*bold\\*\\***: \\<b\\>, C\\#');
    // The only structure is the one we wrote: our headings and our list items.
    for (const line of structureLines(markdown)) expect(line).toMatch(/^(?:#{1,3} |- )/);
    expect(markdown).toContain('\n1\\. not a list\n\\> not a quote\n\\=====\n\\<img src=x onerror=alert(1)\\>\n');
  });

  it('escapes every Markdown character of a line, wherever it stands', () => {
    expect(escapeMarkdown('a*b_c`d[e]f<g>h#i|j~k&l\\m')).toBe('a\\*b\\_c\\`d\\[e\\]f\\<g\\>h\\#i\\|j\\~k\\&l\\\\m');
    expect(escapeMarkdown('+ plus')).toBe('\\+ plus');
    expect(escapeMarkdown('2) second')).toBe('2\\) second');
    expect(escapeMarkdown('Node.js - 2.0')).toBe('Node.js - 2.0');
  });

  it('never exceeds maxChars, dropping the oldest roles’ last bullets and the least useful sections first', () => {
    const roles = Array.from({ length: 8 }, (_, index) => ({
      name: `Employer ${index}`,
      position: `Role ${index}`,
      startDate: `${2020 - index * 2}-01`,
      endDate: index === 0 ? undefined : `${2021 - index * 2}-12`,
      highlights: Array.from({ length: 6 }, (_, line) => `Delivered outcome number ${line + 1} of role ${index} with measurable effect on the business`),
    }));
    const resume: JsonResume = {
      basics: { name: 'Long Career', summary: 'A long career in many roles.' },
      work: roles,
      skills: [{ name: 'Leadership', keywords: ['Coaching', 'Hiring'] }],
      interests: [{ name: 'Chess' }, { name: 'Sailing' }],
      references: [{ name: 'Jane Doe', reference: 'A strong colleague.' }],
    };
    const full = resumeAsMarkdown(resume, { maxChars: 100_000 });
    for (const maxChars of [full.length, 6000, 4000, 2500, 1200, 600, 200, 40, 5, 0]) {
      const markdown = resumeAsMarkdown(resume, { maxChars });
      expect(markdown.length).toBeLessThanOrEqual(maxChars);
      // Cut between whole words: every word of the result is a word of the full text.
      const words = new Set(full.split(/\s+/));
      for (const word of markdown.split(/\s+/).filter((item) => item !== '')) expect(words.has(word), `${word} at ${maxChars}`).toBe(true);
    }
    const has = (markdown: string, role: number, line: number) => markdown.includes(`number ${line} of role ${role} `);
    for (let maxChars = full.length; maxChars > 0; maxChars -= 150) {
      const markdown = resumeAsMarkdown(resume, { maxChars });
      const at = `at ${maxChars}`;
      for (let role = 0; role < 8; role += 1) {
        // A role loses its bullets from the last one up: never a gap.
        for (let line = 2; line <= 6; line += 1) if (has(markdown, role, line)) expect(has(markdown, role, line - 1), `${at} role ${role} line ${line}`).toBe(true);
        // An older role loses its fourth and later bullets before a newer one does.
        if (role > 0 && has(markdown, role, 4)) expect(has(markdown, role - 1, 6), `${at} role ${role}`).toBe(true);
      }
      // References and interests go only once no role has a fourth bullet left.
      if (!markdown.includes('## References')) expect([0, 1, 2, 3, 4, 5, 6, 7].some((role) => has(markdown, role, 4)), at).toBe(false);
      // The name and the latest role stay to the end.
      if (maxChars >= 400) expect(markdown, at).toMatch(/^# Long Career\n[\s\S]*### Role 0 — Employer 0/);
      // A section heading never stays without its items.
      expect(markdown, at).not.toMatch(/## \w+\n(?:\n## |\n?$)/);
    }
    // Just short of what leaving out every fourth and later bullet saves: the references go next.
    const later = full.split('\n').filter((line) => /number [4-6] of role/.test(line));
    const short = resumeAsMarkdown(resume, { maxChars: full.length - later.join('\n').length - 2 });
    expect(short).not.toContain('## References');
    expect(short).toContain('## Interests');
    expect(has(short, 7, 3)).toBe(true);
  });

  it('keeps 10 000 characters as the default limit', () => {
    const huge: JsonResume = {
      work: Array.from({ length: 60 }, (_, index) => ({ name: `E${index}`, highlights: Array.from({ length: 10 }, () => 'Shipped a feature used by many people across the whole company') })),
    };
    const markdown = resumeAsMarkdown(huge);
    expect(markdown.length).toBeLessThanOrEqual(10_000);
    expect(resumeAsMarkdown(huge, { maxChars: Number.NaN })).toBe(markdown);
    expect(markdown.length).toBeGreaterThan(9_000);
  });

  it('writes every fixture CV within the limit, with a heading for each of its sections', () => {
    const files = readdirSync(fixtures).filter((name) => name.endsWith('.reference.txt'));
    for (const file of files) {
      const { resume } = parseResume(readFileSync(`${fixtures}${file}`, 'utf8'));
      const markdown = resumeAsMarkdown(resume);
      expect(markdown.length).toBeLessThanOrEqual(10_000);
      expect(markdown.startsWith('# ')).toBe(true);
      const headings = { work: 'Experience', education: 'Education', skills: 'Skills', projects: 'Projects' } as const;
      for (const [key, heading] of Object.entries(headings) as [keyof typeof headings, string][]) {
        if ((resume[key] ?? []).length > 0) expect(markdown, `${file} ${key}`).toContain(`\n## ${heading}\n`);
      }
      for (const line of structureLines(markdown)) expect(line, file).toMatch(/^(?:#{1,3} |- )/);
    }
  });
});
