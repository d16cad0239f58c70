import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const KEY = 'k'.repeat(40);

describe('loadConfig', () => {
  it('starts on embedded defaults with no variables at all', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8000,
      host: '127.0.0.1',
      dataDir: path.resolve('./data'),
      databaseUrl: undefined,
      redisUrl: undefined,
      openaiModel: 'gpt-4o-mini',
      corsAllowedOrigins: ['http://localhost:3000'],
      llm: 'offline',
      logLevel: 'info',
    });
    expect(config.workerConcurrency).toBeGreaterThan(0);
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      PORT: '9000',
      DATABASE_URL: 'postgres://u@db:5432/app',
      REDIS_URL: 'redis://cache:6379',
      SECRET_KEY: KEY,
      CORS_ALLOWED_ORIGINS: 'https://a.example, https://b.example/',
      OPENAI_API_KEY: 'sk-test',
      WORKER_CONCURRENCY: '3',
    });
    expect(config).toMatchObject({
      port: 9000,
      databaseUrl: 'postgres://u@db:5432/app',
      redisUrl: 'redis://cache:6379',
      corsAllowedOrigins: ['https://a.example', 'https://b.example'],
      llm: 'openai',
      workerConcurrency: 3,
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x/y', SECRET_KEY: KEY }, 'DATABASE_URL'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ LLM_PROVIDER: 'anthropic' }, 'LLM_PROVIDER'],
    [{ CORS_ALLOWED_ORIGINS: 'ftp://x' }, 'CORS_ALLOWED_ORIGINS'],
    [{ DATABASE_URL: 'postgres://u@db/app' }, 'SECRET_KEY'],
    [{ SECRET_KEY: 'short' }, 'SECRET_KEY'],
    [{ WORKER_CONCURRENCY: '0' }, 'WORKER_CONCURRENCY'],
  ])('refuses %o naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
  });
});
