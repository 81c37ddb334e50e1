import type { ResultSet, Row, Value } from "@libsql/client";
import type Database from "libsql";
import { type BoundArgs, valueFromSql, valueToJson } from "./values";

/** A prepared statement and what it returns, computed once. */
export interface CachedStatement {
  stmt: Database.Statement;
  /** Null for statements that return no rows (`raw()` refuses them). */
  shape: RowShape | null;
  /** DDL: after it runs, cached column names of other statements may be stale. */
  changesSchema: boolean;
  /** `PRAGMA name = value`: a setting of this connection, replayed on a replacement connection. */
  setting: string | undefined;
}

/** Column names and types of a statement, and the row class its results use. */
export class RowShape {
  readonly columns: string[];
  readonly columnTypes: string[];
  readonly #build: (values: Value[]) => Row;

  constructor(definitions: Array<{ name: string; type: string | null }>) {
    this.columns = definitions.map((column) => column.name);
    this.columnTypes = definitions.map((column) => column.type ?? "");
    this.#build = rowClass(this.columns);
  }

  row(values: Value[]): Row {
    return this.#build(values);
  }
}

/**
 * Rows as @libsql/client builds them: columns by index and `length` (not enumerable), and by name (enumerable, the
 * first column of a name wins). Index reads go through getters on a per-statement class, so building a row is one
 * object and one assignment per name instead of a defineProperty per value.
 */
function rowClass(columns: string[]): (values: Value[]) => Row {
  const named: Array<[string, number]> = [];
  const taken = new Set(["length", ...columns.map((_, index) => String(index))]);
  for (const [index, name] of columns.entries()) {
    if (taken.has(name)) continue;
    taken.add(name);
    named.push([name, index]);
  }
  const StatementRow = class extends RowBase {};
  for (const index of columns.keys()) {
    Object.defineProperty(StatementRow.prototype, index, {
      get(this: RowBase) {
        return RowBase.valueAt(this, index);
      },
    });
  }
  return (values) => {
    const row = new StatementRow(values) as unknown as Record<string, Value>;
    for (const [name, index] of named) row[name] = values[index] as Value;
    return row as unknown as Row;
  };
}

class RowBase {
  readonly #values: Value[];

  constructor(values: Value[]) {
    this.#values = values;
  }

  static valueAt(row: RowBase, index: number): Value | undefined {
    return row.#values[index];
  }

  get length(): number {
    return this.#values.length;
  }
}

/** The fields drizzle and @libsql/client callers read, plus toJSON as @libsql/client writes it. */
class NativeResultSet implements ResultSet {
  constructor(
    readonly columns: string[],
    readonly columnTypes: string[],
    readonly rows: Row[],
    readonly rowsAffected: number,
    readonly lastInsertRowid: bigint | undefined,
  ) {}

  toJSON() {
    return {
      columns: this.columns,
      columnTypes: this.columnTypes,
      rows: this.rows.map((row) => Array.prototype.map.call(row, valueToJson)),
      rowsAffected: this.rowsAffected,
      lastInsertRowid: this.lastInsertRowid === undefined ? null : String(this.lastInsertRowid),
    };
  }
}

export function hasRows(cached: CachedStatement): cached is CachedStatement & { shape: RowShape } {
  return cached.shape !== null;
}

export function readRows(cached: CachedStatement & { shape: RowShape }, args: BoundArgs): ResultSet {
  const raw = cached.stmt.all(args) as unknown[][];
  // SQLite re-prepares a statement whose tables another connection altered: its columns may have changed
  if (raw[0] && raw[0].length !== cached.shape.columns.length) cached.shape = new RowShape(cached.stmt.columns());
  const { shape } = cached;
  const rows = new Array<Row>(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const values = raw[i] as unknown[];
    for (let j = 0; j < values.length; j++) values[j] = valueFromSql(values[j]);
    rows[i] = shape.row(values as Value[]);
  }
  // @libsql/client reports neither for statements that return rows (an INSERT ... RETURNING included)
  return new NativeResultSet(shape.columns, shape.columnTypes, rows, 0, undefined);
}

export function write(stmt: Database.Statement, args: BoundArgs): ResultSet {
  const info = stmt.run(args);
  return new NativeResultSet([], [], [], info.changes, BigInt(info.lastInsertRowid));
}
