// The ceiling of bench/http.ts: the least a Fastify 5 route that reads PostgreSQL can cost. One route,
// one named prepared select over a pool of 10 connections, and nothing else: no logging, no
// authentication, no hooks. What the service adds to a request that reads the database shows as its
// distance from this. Started by that benchmark as a child process with DATABASE_URL (a database of
// the run's own, where it creates its one tiny table); prints its address like the service does.
import Fastify from 'fastify';
import pg from 'pg';

const POOL_SIZE = 10;
const ROW_ID = 1;

interface PlanRow {
  id: number;
  name: string;
}

function requiredDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('the ceiling server needs DATABASE_URL');
  return url;
}

async function createTinyTable(pool: pg.Pool): Promise<void> {
  await pool.query('create table if not exists ceiling_plans (id integer primary key, name text not null)');
  await pool.query('insert into ceiling_plans (id, name) values ($1, $2) on conflict (id) do nothing', [ROW_ID, 'Free']);
}

const pool = new pg.Pool({ connectionString: requiredDatabaseUrl(), max: POOL_SIZE });
await createTinyTable(pool);

const app = Fastify();
app.get<{ Params: { id: number } }>(
  '/plans/:id',
  {
    schema: {
      params: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
      response: { 200: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } }, required: ['id', 'name'] } },
    },
  },
  async (request, reply) => {
    // Named, so each connection parses and plans it once and then only binds and executes it.
    const { rows } = await pool.query<PlanRow>({ name: 'ceiling-plan-by-id', text: 'select id, name from ceiling_plans where id = $1', values: [request.params.id] });
    const row = rows[0];
    return row ?? reply.code(404).send({ detail: 'Not found.' });
  },
);

// Closed gracefully, so PostgreSQL sees its connections end rather than drop.
process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => pool.end())
    .finally(() => process.exit(0));
});

const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
console.log(`Server listening at ${address}`);
