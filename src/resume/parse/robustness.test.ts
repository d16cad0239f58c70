import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { JsonResume } from '../json-resume.js';
import { parseResume } from '../parse-resume.js';

/** Milliseconds one call takes, the best of `runs` (the first call also builds the regular expressions). */
function timeOf(run: () => void, runs = 5): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

describe('parseResume on hostile and large input', () => {
  it.each([
    ['letters', 'a'.repeat(200_000)],
    ['digits', '1'.repeat(200_000)],
    ['digits and spaces', '1 '.repeat(100_000)],
    ['dashes', '- '.repeat(100_000)],
    ['month names', 'Jan '.repeat(50_000)],
    ['at signs and dots', 'a@a.'.repeat(50_000)],
    ['bullets', '• '.repeat(100_000)],
    ['colons', 'Skills: '.repeat(25_000)],
    ['commas', 'a, '.repeat(66_000)],
  ])('reads a 200 KB line of %s quickly and validly', (_name, line) => {
    let result = parseResume(line);
    const ms = timeOf(() => {
      result = parseResume(line);
    }, 1);
    expect(ms).toBeLessThan(1500);
    expect(Value.Check(JsonResume, result.resume)).toBe(true);
  });

  it('reads a 12-page CV in a few milliseconds', () => {
    const jobs = Array.from({ length: 48 }, (_, job) => {
      const bullets = Array.from({ length: 6 }, (_, bullet) => `• Delivered project ${job}-${bullet}, cutting the cost of the platform by ${bullet + 5}% for the team`);
      const page = job % 4 === 3 ? '\f' : '';
      return `Senior Engineer ${job}\nCompany${job} Ltd, Berlin, Germany\nJan ${1970 + job} – Dec ${1971 + job}\n${bullets.join('\n')}\n${page}`;
    });
    const twelvePages = `Jane Smith\njane@example.com\n\nExperience\n${jobs.join('\n')}\nEducation\nUniversity of Leeds, BSc Physics, 1965 – 1969\n`;
    expect(twelvePages.split('\f')).toHaveLength(13);
    const { resume } = parseResume(twelvePages);
    expect(resume.work).toHaveLength(48);
    expect(resume.work?.[47]).toMatchObject({ name: 'Company47 Ltd', position: 'Senior Engineer 47', startDate: '2017-01', endDate: '2018-12' });
    expect(resume.work?.[47]?.highlights).toHaveLength(6);
    expect(timeOf(() => parseResume(twelvePages))).toBeLessThan(100);
  });

  it('clips over-long strings and lists to the schema instead of failing', () => {
    const title = `Engineer ${'x'.repeat(5000)}`;
    const bullets = Array.from({ length: 80 }, (_, i) => `• Delivered result number ${i} for the team`).join('\n');
    const skills = Array.from({ length: 150 }, (_, i) => `Skill${i}`).join(', ');
    const { resume } = parseResume(`Jane Smith\njane@example.com\n\nExperience\n${title}, Acme Ltd\n2019 – 2021\n${bullets}\n\nSkills\nTools: ${skills}\n`);
    expect(Value.Check(JsonResume, resume)).toBe(true);
    expect(resume.work?.[0]?.position?.length).toBe(300);
    expect(resume.work?.[0]?.highlights).toHaveLength(50);
    expect(resume.skills?.[0]?.keywords).toHaveLength(100);
  });
});
