// SQL the delivery pipeline's set-taking statements share: sets travel as one JSON parameter read with json_each, so
// every statement's text is the same for one row or a hundred and no batch runs into SQLite's bound-parameter limit.
import { type Column, inArray, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";

/** `column IN (the strings of the JSON array parameter)`. */
export function inJson(column: Column, values: readonly string[]): SQL {
  return inArray(column, sql`(SELECT value FROM json_each(${JSON.stringify(values)}))`);
}

/**
 * `column = value`, kept from choosing the index: with no statistics SQLite would rather walk every PENDING leg (or
 * dispatched notification) through the status index than look up the few ids of a batch by primary key, a cost that
 * grows with the backlog. The unary `+` makes the term a plain filter on the rows the ids found.
 */
export function filterEq(column: Column, value: string): SQL {
  return sql`+${column} = ${value}`;
}

/** A batch built from a list: drizzle types `db.batch` for tuples written out. */
export type Statements = [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]];
