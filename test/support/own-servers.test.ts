import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis, type RedisOptions } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postgresServerInstalled, startOwnPostgres, type OwnPostgres } from './own-postgres.js';
import { redisServerInstalled, startOwnRedis, type OwnRedis } from './own-redis.js';
import { connectionRefused } from './server-process.js';

// Without the server programs a developer's run skips these loudly (the summary names them); CI fails instead.
const mustRun = process.env.CI === 'true';
const redisInstalled = await redisServerInstalled();
const postgresInstalled = await postgresServerInstalled();

/** True when the promise settles (either way) within `ms`; false when it is still pending. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = promise.then(
    () => true,
    () => true,
  );
  return Promise.race([settled, sleep(ms).then(() => false)]);
}

/** Processes whose command line names `text` (Linux /proc): what a server left running would show. */
function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe.skipIf(!redisInstalled && !mustRun)('own Redis server', () => {
  let redis: OwnRedis;
  const clients: Redis[] = [];

  /** A client that reconnects quickly; its connection errors (expected here) are not reported. */
  function client(options: RedisOptions = {}): Redis {
    const redisClient = new Redis(redis.url, { retryStrategy: () => 50, ...options });
    redisClient.on('error', () => undefined);
    clients.push(redisClient);
    return redisClient;
  }

  beforeAll(async () => {
    redis = await startOwnRedis();
  });
  afterEach(() => {
    for (const redisClient of clients.splice(0)) redisClient.disconnect();
  });
  afterAll(async () => {
    await redis?.close();
  });

  it('answers at its URL, on a port of its own', async () => {
    expect(redis.port).not.toBe(6379);
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    const redisClient = client();
    await redisClient.set('key', 'value');
    expect(await redisClient.get('key')).toBe('value');
  });

  it('stop() kills it: the port refuses connections and commands fail; start() brings it back on the same port, empty', async () => {
    const redisClient = client({ commandTimeout: 300 });
    await redisClient.set('key', 'before the stop');

    await redis.stop();
    expect(await connectionRefused(redis.port)).toBe(true);
    await expect(redisClient.get('key')).rejects.toThrow('Command timed out');

    await redis.start();
    // The same client reconnects to the same port; nothing was persisted.
    expect(await redisClient.get('key')).toBeNull();
  });

  it('pause() hangs it: no answer within 500 ms on an open or a new connection; resume() answers', async () => {
    const open = client();
    await open.set('key', 'paused');

    let reply: Promise<string | null>;
    let newConnectionPing: Promise<string>;
    try {
      await redis.pause();
      reply = open.get('key');
      newConnectionPing = client().ping();
      expect(await settlesWithin(Promise.race([reply, newConnectionPing]), 500)).toBe(false);
    } finally {
      await redis.resume();
    }
    expect(await reply).toBe('paused');
    expect(await newConnectionPing).toBe('PONG');
  });

  it('close() kills even a paused server and removes its directory', async () => {
    const other = await startOwnRedis();
    await other.pause();
    await other.close();
    expect(await connectionRefused(other.port)).toBe(true);
    expect(existsSync(other.dir)).toBe(false);
    await other.close();
  });
});

describe.skipIf(!postgresInstalled && !mustRun)('own PostgreSQL server', () => {
  let postgres: OwnPostgres;
  const clients: pg.Client[] = [];

  /** A connected client whose 'error' events (the server went away) are kept for assertions, not thrown. */
  async function connect(url = postgres.url): Promise<{ client: pg.Client; errors: Error[] }> {
    const client = new pg.Client({ connectionString: url });
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    clients.push(client);
    await client.connect();
    return { client, errors };
  }

  beforeAll(async () => {
    postgres = await startOwnPostgres();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)));
  });
  afterAll(async () => {
    await postgres?.close();
  });

  it('is a server of its own; createDatabase() returns the URL of a new database on it', async () => {
    expect(postgres.port).not.toBe(5432);
    expect(postgres.url).toBe(`postgres://postgres@127.0.0.1:${postgres.port}/postgres`);
    const url = await postgres.createDatabase('own_servers_check');
    const { client } = await connect(url);
    const { rows } = await client.query<{ database: string; port: number }>('select current_database() as database, inet_server_port() as port');
    expect(rows).toEqual([{ database: 'own_servers_check', port: postgres.port }]);
  });

  it('stop() is a fast shutdown: sessions end with FATAL 57P01 and connections are refused; start() answers again', async () => {
    const busy = await connect();
    const idle = await connect();
    // Caught at once: the query fails while stop() is awaited, and an unhandled rejection would fail the run.
    const interrupted = busy.client.query('select pg_sleep(30)').catch((error: unknown) => error);

    await postgres.stop();
    expect(await interrupted).toMatchObject({ severity: 'FATAL', code: '57P01', message: 'terminating connection due to administrator command' });
    await expect.poll(() => idle.errors[0]).toMatchObject({ code: '57P01', message: 'terminating connection due to administrator command' });
    expect(await connectionRefused(postgres.port)).toBe(true);
    await expect(new pg.Client({ connectionString: postgres.url }).connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await postgres.start();
    const { client } = await connect();
    expect((await client.query('select 1 as answer')).rows).toEqual([{ answer: 1 }]);
  });

  it('restart(): committed data is still there', async () => {
    const writer = await connect();
    await writer.client.query('create table kept (value text)');
    await writer.client.query("insert into kept values ('written before the restart')");

    await postgres.restart();
    expect(writer.errors[0]).toMatchObject({ code: '57P01' });
    const reader = await connect();
    expect((await reader.client.query('select value from kept')).rows).toEqual([{ value: 'written before the restart' }]);
  });

  it('pause() hangs it: no answer within 500 ms on an open or a new connection; resume() answers both', async () => {
    const open = await connect();

    let query: Promise<pg.QueryResult>;
    let newConnection: Promise<{ client: pg.Client }>;
    try {
      await postgres.pause();
      query = open.client.query('select 1 as answer');
      newConnection = connect();
      expect(await settlesWithin(Promise.race([query, newConnection]), 500)).toBe(false);
    } finally {
      await postgres.resume();
    }
    expect((await query).rows).toEqual([{ answer: 1 }]);
    const { client } = await newConnection;
    expect((await client.query('select 2 as answer')).rows).toEqual([{ answer: 2 }]);
  });

  it('close() ends even a paused server and removes its directory', async () => {
    const other = await startOwnPostgres();
    await other.pause();
    await other.close();
    expect(await connectionRefused(other.port)).toBe(true);
    expect(existsSync(other.dir)).toBe(false);
    expect(processesMentioning(other.dir)).toEqual([]);
    await other.close();
  });
});
