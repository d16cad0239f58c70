import { Validator } from '@seriousme/openapi-schema-validator';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/harness.js';

type OpenApiDocument = Record<string, unknown> & {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
};

describe('OpenAPI document', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp('pglite');
    await testApp.app.ready();
  });
  afterAll(async () => testApp.close());

  it('validates as OpenAPI 3.1', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/schema/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const document = response.json<OpenApiDocument>();
    expect(document.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('lists every route the app serves, and nothing it does not', async () => {
    const document = (await testApp.app.inject({ method: 'GET', url: '/schema/' })).json<OpenApiDocument>();
    const documented = Object.entries(document.paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    const served = testApp.app.routeTable
      .filter((route) => !route.hidden)
      .map((route) => `${route.method} ${route.url.replace(/:(\w+)/g, '{$1}')}`)
      .sort();
    expect(served).toContain('GET /core/health/');
    expect(documented).toEqual([...new Set(served)]);
  });

  it('describes every auth route with its request and response schemas', async () => {
    const document = (await testApp.app.inject({ method: 'GET', url: '/schema/' })).json<OpenApiDocument>();
    type Operation = {
      requestBody?: { content?: Record<string, { schema?: object }> };
      responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
    };
    const authOperations = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/auth/'))
      .flatMap(([path, operations]) => Object.entries(operations).map(([method, operation]) => ({ path, method, operation: operation as Operation })));
    expect(authOperations.length).toBeGreaterThanOrEqual(14);
    for (const { path, method, operation } of authOperations) {
      const where = `${method.toUpperCase()} ${path}`;
      if (method !== 'get') expect(operation.requestBody?.content?.['application/json']?.schema, where).toBeDefined();
      const success = Object.entries(operation.responses ?? {}).filter(([status]) => status.startsWith('2'));
      expect(success.length, where).toBeGreaterThan(0);
      for (const [, response] of success) expect(response.content?.['application/json']?.schema, where).toBeDefined();
      // Whatever takes input documents how it refuses it.
      if (method !== 'get') expect(Object.keys(operation.responses ?? {}).some((status) => status.startsWith('4')), where).toBe(true);
    }
  });

  it('gives the same document as YAML', async () => {
    const json = (await testApp.app.inject({ method: 'GET', url: '/schema/' })).json<OpenApiDocument>();
    const response = await testApp.app.inject({ method: 'GET', url: '/schema/?format=yaml' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/yaml/);
    expect(parse(response.body)).toEqual(json);
  });

  it('rejects an unknown format', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/schema/?format=xml' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toHaveProperty('format');
  });

  it('serves interactive docs, and the site root redirects there', async () => {
    const root = await testApp.app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/docs');
    const docs = await testApp.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger-ui');
    expect(docs.headers['content-security-policy']).toContain("default-src 'self'");
    expect(docs.headers['x-content-type-options']).toBe('nosniff');
  });
});
