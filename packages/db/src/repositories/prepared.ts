import type { Db } from "../client";

/**
 * A statement built once per database instead of on every call: for the lookups every request and every delivery
 * makes, drizzle's query building costs more than SQLite's answer. Values go in through `sql.placeholder`.
 */
export function preparedPerDb<Statement>(build: (db: Db) => Statement): (db: Db) => Statement {
  const built = new WeakMap<Db, Statement>();
  return (db) => {
    let statement = built.get(db);
    if (!statement) {
      statement = build(db);
      built.set(db, statement);
    }
    return statement;
  };
}
