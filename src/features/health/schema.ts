import { Type } from 'typebox';

const ServiceState = Type.Union([Type.Literal('healthy'), Type.Literal('unhealthy'), Type.Literal('skipped')]);

export const HealthReportSchema = Type.Object(
  {
    overall: Type.Union([Type.Literal('healthy'), Type.Literal('unhealthy')]),
    services: Type.Object({
      db: ServiceState,
      redis: ServiceState,
      queue: ServiceState,
      llm: Type.Union([Type.Literal('offline'), Type.Literal('configured')]),
    }),
    engines: Type.Object({
      db: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
      queue: Type.Union([Type.Literal('in-process'), Type.Literal('bullmq')]),
      cache: Type.Union([Type.Literal('memory'), Type.Literal('redis')]),
      llm: Type.Union([Type.Literal('offline'), Type.Literal('openai'), Type.Literal('anthropic')]),
    }),
  },
  { description: 'queue is healthy only when a probe job recently went through a worker; llm is never called' },
);
