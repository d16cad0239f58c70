import { describe, expect, it } from 'vitest';
import { JsonResume } from '../../resume/json-resume.js';
import { improvementOutputSchema, parseImprovementOutput } from './output-schema.js';

type Schema = Record<string, unknown>;

// Keywords OpenAI's strict structured outputs refuse or ignore, or that other providers' schema modes refuse.
const UNSUPPORTED = ['pattern', 'format', 'maxItems', 'minItems', 'maxLength', 'minLength', 'minimum', 'maximum', 'multipleOf', 'uniqueItems', 'patternProperties', 'default', 'oneOf', 'allOf', 'not', 'if', 'then', 'else', '$ref'];

/** What stops a schema from being accepted in strict mode, by path; empty when it is accepted. */
function strictModeProblems(schema: Schema, path = '#', depth = 0): string[] {
  const problems: string[] = [];
  for (const keyword of UNSUPPORTED) if (keyword in schema) problems.push(`${path}: "${keyword}" is not supported`);
  const types = Array.isArray(schema.type) ? (schema.type as unknown[]) : [schema.type];
  if (types.some((type) => typeof type !== 'string')) problems.push(`${path}: every schema needs a type`);
  if (types.includes('object')) {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    if (schema.additionalProperties !== false) problems.push(`${path}: additionalProperties must be false`);
    const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
    const missing = Object.keys(properties).filter((name) => !required.includes(name));
    if (missing.length > 0) problems.push(`${path}: not required: ${missing.join(', ')}`);
    if (depth >= 5) problems.push(`${path}: nested more than 5 objects deep`);
    for (const [name, property] of Object.entries(properties)) problems.push(...strictModeProblems(property, `${path}/properties/${name}`, depth + 1));
  }
  if (types.includes('array')) {
    if (typeof schema.items !== 'object' || schema.items === null) problems.push(`${path}: an array needs items`);
    else problems.push(...strictModeProblems(schema.items as Schema, `${path}/items`, depth));
  }
  return problems;
}

function countProperties(schema: Schema): number {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const items = schema.items as Schema | undefined;
  return Object.keys(properties).length + Object.values(properties).reduce((sum, property) => sum + countProperties(property), 0) + (items ? countProperties(items) : 0);
}

/** The properties JsonResume knows at a path of section names (`work`, `basics`). */
function jsonResumeProperties(section: string): string[] {
  const top = (JsonResume as unknown as { properties: Record<string, Schema> }).properties;
  const schema = top[section] as Schema;
  const object = (schema.type === 'array' ? schema.items : schema) as { properties: Record<string, unknown> };
  return Object.keys(object.properties);
}

describe('improvementOutputSchema', () => {
  it('is accepted by strict structured outputs', () => {
    expect(strictModeProblems(improvementOutputSchema)).toEqual([]);
    expect(improvementOutputSchema.type).toBe('object');
    // The limit OpenAI set first (later raised): staying under it keeps older deployments working.
    expect(countProperties(improvementOutputSchema)).toBeLessThanOrEqual(100);
  });

  it('the checker finds what strict mode refuses', () => {
    const loose = {
      type: 'object',
      properties: { a: { type: 'string', pattern: '^x$' }, b: { type: 'object', properties: { c: { type: 'string' } }, required: [] } },
      required: ['a'],
    };
    expect(strictModeProblems(loose)).toEqual([
      '#: additionalProperties must be false',
      '#: not required: b',
      '#/properties/a: "pattern" is not supported',
      '#/properties/b: additionalProperties must be false',
      '#/properties/b: not required: c',
    ]);
  });

  it('writes only JSON Resume field names, and no contact details', () => {
    const resume = (improvementOutputSchema.properties as Record<string, Schema>).resume as { properties: Record<string, Schema> };
    for (const [section, schema] of Object.entries(resume.properties)) {
      const item = (schema.type === 'array' ? schema.items : schema) as { properties: Record<string, unknown> };
      const known = jsonResumeProperties(section);
      for (const field of Object.keys(item.properties)) expect(known, `${section}.${field}`).toContain(field);
    }
    expect(Object.keys((resume.properties.basics as { properties: object }).properties).sort()).toEqual(['label', 'summary']);
  });
});

/** An answer as a strict-mode model writes it: every field present, null where the CV has nothing. */
function strictAnswer() {
  const emptySections = { volunteer: [], projects: [], certificates: [], awards: [], languages: [], publications: [], interests: [] };
  return {
    resume: {
      basics: { label: '  Backend Engineer ', summary: 'Engineer who ships payments software.' },
      work: [
        {
          name: 'Acme Payments',
          position: 'Backend Engineer',
          location: null,
          description: null,
          url: '[URL_1]',
          startDate: '2019-03',
          endDate: null,
          summary: null,
          highlights: ['Cut checkout latency by 35%', '  '],
        },
      ],
      education: [{ institution: 'University of Leeds', url: null, area: 'Computer Science', studyType: 'BSc', startDate: null, endDate: '2018', score: null, courses: [] }],
      skills: [{ name: 'Backend', level: null, keywords: ['Go', 'PostgreSQL'] }],
      ...emptySections,
    },
    changes: [
      { path: '/work/0/highlights/0', reason: 'Starts with a strong verb.' },
      { path: 'basics/summary', reason: 'Shorter.' },
      { path: '/work/0/highlights/0', reason: 'Keeps the figure.' },
    ],
  };
}

describe('parseImprovementOutput', () => {
  it('accepts a strict-mode answer, dropping nulls, blanks and empty sections and trimming text', () => {
    const result = parseImprovementOutput(strictAnswer());
    expect(result).toEqual({
      ok: true,
      value: {
        resume: {
          basics: { label: 'Backend Engineer', summary: 'Engineer who ships payments software.' },
          work: [{ name: 'Acme Payments', position: 'Backend Engineer', url: '[URL_1]', startDate: '2019-03', highlights: ['Cut checkout latency by 35%'] }],
          education: [{ institution: 'University of Leeds', area: 'Computer Science', studyType: 'BSc', endDate: '2018' }],
          skills: [{ name: 'Backend', keywords: ['Go', 'PostgreSQL'] }],
        },
        reasons: { '/work/0/highlights/0': 'Starts with a strong verb.; Keeps the figure.', '/basics/summary': 'Shorter.' },
      },
    });
  });

  it('reads "Present" as an ongoing period', () => {
    const answer = strictAnswer();
    answer.resume.work[0]!.endDate = 'Present' as unknown as null;
    const result = parseImprovementOutput(answer);
    expect(result.ok && result.value.resume.work?.[0]?.endDate).toBeUndefined();
  });

  it('explains a wrong answer by path, in words the model can act on', () => {
    const answer = strictAnswer() as unknown as { resume: Record<string, unknown> };
    answer.resume.work = [{ name: 'Acme', startDate: 'March 2019', highlights: 'Cut latency' }];
    answer.resume.basics = { label: 'x'.repeat(301) };
    const result = parseImprovementOutput(answer);
    expect(result.ok).toBe(false);
    const problems = result.ok ? '' : result.problems;
    expect(problems).toContain('/resume/work/0/startDate must be a date written YYYY-MM-DD, YYYY-MM or YYYY');
    expect(problems).toContain('/resume/work/0/highlights must be array');
    expect(problems).toContain('/resume/basics/label is too long: at most 300 characters');
  });

  it('says what is missing when the answer is not shaped as asked', () => {
    expect(parseImprovementOutput('a CV')).toEqual({ ok: false, problems: expect.stringContaining('JSON object') as unknown });
    expect(parseImprovementOutput({ work: [] })).toEqual({ ok: false, problems: expect.stringContaining('"resume"') as unknown });
    expect(parseImprovementOutput({ resume: {}, changes: 'none' })).toEqual({ ok: false, problems: expect.stringContaining('/changes') as unknown });
  });

  it('lists only the first few errors', () => {
    const answer = { resume: { work: Array.from({ length: 9 }, () => ({ startDate: 'soon' })) }, changes: [] };
    const result = parseImprovementOutput(answer);
    const problems = result.ok ? '' : result.problems;
    expect(problems.match(/must be a date/g)).toHaveLength(5);
    expect(problems).toContain('(and more)');
  });
});
