import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPerson } from '../../../test/support/browser.js';
import { createTestApp, type TestApp } from '../../../test/support/harness.js';
import { multipartBody } from '../../../test/support/multipart.js';

type Person = Awaited<ReturnType<typeof registerPerson>>;

const fields = {
  position: 'Backend Engineer',
  industry: 'Software',
  experience_level: '3-5',
  company_size: 'startup',
  location: 'Remote',
  application_timeline: 'immediate',
  job_description: 'We build APIs.',
};

describe('questionnaires', () => {
  let testApp: TestApp;
  let alice: Person;
  beforeAll(async () => {
    testApp = await createTestApp('pglite');
    alice = await registerPerson(testApp.app, 'alice');
  });
  afterAll(async () => testApp.close());

  it('creates from multipart with a file and reads it', async () => {
    const { payload, contentType } = await multipartBody(fields, { resume: { bytes: await readFile('test/fixtures/cvs/john-doe_plain.txt'), fileName: 'cv.txt', type: 'text/plain' } });
    const response = await testApp.app.inject({ method: 'POST', url: '/api/questionnaire/', headers: { ...alice.auth, 'content-type': contentType }, payload });
    expect(response.statusCode, response.body).toBe(201);
    console.log(response.json());
  });
});
