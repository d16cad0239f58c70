import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { describeUploads } from './uploads.js';

/** How a caller proves who they are, as OpenAPI describes it. */
export type SecurityScheme = { type: 'http'; scheme: string; bearerFormat?: string } | { type: 'apiKey'; in: 'cookie' | 'header'; name: string };

/**
 * OpenAPI 3.1 generated from the route schemas, served at /schema/ (JSON, or YAML with
 * ?format=yaml), with interactive docs at /docs and the site root redirecting there.
 */
export async function registerOpenApi(app: FastifyInstance, securitySchemes: Record<string, SecurityScheme>): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'cvimprover API',
        version: '1.0.0',
        description:
          'Turns a CV and a target job into an improved, tailored CV and a PDF. Errors are `{"field": ["message"]}` for invalid input and `{"detail", "code"}` otherwise.',
      },
      components: { securitySchemes },
    },
    // File fields are binary strings to OpenAPI; to the validator they are parsed uploads.
    transform: ({ schema, url }) => ({ schema: describeUploads(schema) as typeof schema, url }),
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => (typeof json.$id === 'string' ? json.$id : `def-${index}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  app.get(
    '/schema/',
    {
      schema: {
        hide: true,
        querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('yaml')])) }),
      },
    },
    async (request, reply) => {
      const { format } = request.query as { format?: 'json' | 'yaml' };
      if (format === 'yaml') return reply.type('application/yaml; charset=utf-8').send(app.swagger({ yaml: true }));
      return reply.type('application/json; charset=utf-8').send(app.swagger());
    },
  );

  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/docs', 302));
}
