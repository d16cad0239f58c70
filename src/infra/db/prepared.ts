import type { DbOrTx } from './database.js';

interface Preparable {
  prepare(name: string): unknown;
}

/**
 * A query built once per database (or transaction) and prepared under `name`: on PostgreSQL each
 * connection parses and plans it once, and nothing rebuilds its SQL on every call. Values are
 * bound at execution through `sql.placeholder`.
 */
export function preparedFor<Q extends Preparable>(name: string, build: (db: DbOrTx) => Q): (db: DbOrTx) => ReturnType<Q['prepare']> {
  const byDatabase = new WeakMap<DbOrTx, ReturnType<Q['prepare']>>();
  return (db) => {
    let prepared = byDatabase.get(db);
    if (!prepared) {
      prepared = build(db).prepare(name) as ReturnType<Q['prepare']>;
      byDatabase.set(db, prepared);
    }
    return prepared;
  };
}
