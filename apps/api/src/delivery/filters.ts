// Subscription filters: the JSON expression language the Alert Logic console writes with its SQX query builder
// (`{"and": [{"in": [{"source": "notification.threat_level"}, ["high"]]}, {"not": {"=": [{"source": "account.id"},
// "2"]}}]}`). Validation and evaluation share one parser, so whatever checkFilter accepts matchesFilter can evaluate.

export type FilterContext = {
  notificationData: Record<string, unknown>;
  payload: Record<string, unknown>;
  assetData: Record<string, unknown>;
  accountId: string;
};

/** Nesting of expressions (and of arrays inside literals); a comparison's operands sit at its own level. */
export const MAX_FILTER_DEPTH = 32;
export const MAX_FILTER_NODES = 1000;

type Scalar = string | number | boolean | null;
type Literal = Scalar | Literal[];
type Root = keyof Omit<FilterContext, "accountId">;
type Operand =
  | { kind: "source"; root: Root; path: string[]; name: string }
  | { kind: "account-id" }
  | { kind: "literal"; value: Literal };
/** `at`: the clause's path in the filter (`and.1.in`), as checkFilter reports paths. */
type Expression =
  | { op: "=" | "!="; at: string; left: Operand; right: Operand }
  | { op: "in"; at: string; left: Operand; values: Scalar[] }
  | { op: "and" | "or"; at: string; operands: Expression[] }
  | { op: "not"; at: string; operand: Expression };

const OPERATORS = ["=", "!=", "in", "and", "or", "not"] as const;
type Operator = (typeof OPERATORS)[number];

const SOURCE_ROOTS: Record<string, Root> = {
  notification: "notificationData",
  payload: "payload",
  asset_data: "assetData",
  // The console's health form filters on asset.deployment_id, asset.type and asset.key (al-magma-console,
  // al-notification-health-alert-form-v2); the notification carries those facts in asset_data.
  asset: "assetData",
};
const SOURCE_RULE = "must be account.id or start with notification., payload., asset_data. or asset.";

class FilterError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * Validates a subscription's `filters` before it is stored. `path` is dotted and relative to the filter itself
 * (`""` for the whole filter, `and.1.in.1` for the list of the second condition), ready to be reported as
 * `filters.<path>`.
 */
export function checkFilter(filter: unknown): { ok: true } | { ok: false; path: string; reason: string } {
  try {
    parseFilter(filter);
    return { ok: true };
  } catch (error) {
    if (error instanceof FilterError) return { ok: false, path: error.path, reason: error.reason };
    throw error;
  }
}

/** True when the notification passes the filter. No filter (null, undefined, `{}`) lets everything through. */
export function matchesFilter(filter: Record<string, unknown> | null | undefined, context: FilterContext): boolean {
  try {
    const expression = parseFilter(filter);
    return expression === undefined || evaluate(expression, context);
  } catch {
    // A malformed filter (stored before validation existed, or hand-edited) matches nothing rather than
    // breaking the fan-out of every other subscription; comparing absurdly deep data cannot throw past here either.
    return false;
  }
}

/**
 * A clause that made a notification miss a filter: where it is (`and.1.in`), its operator, its operands' sources and
 * the values compared (absent: the source has no value), and `negated` when it failed by matching under a `not`.
 * `malformed`: the stored filter cannot be read, and matches nothing.
 */
export type FilterMiss = {
  clause: string;
  operator: Operator | "malformed";
  leftSource?: string;
  rightSource?: string;
  left?: unknown;
  right?: unknown;
  negated?: true;
};

/**
 * Why a notification misses a filter: the clauses to blame (one for a failed `and`, every operand of a failed `or`),
 * or undefined when it matches. Agrees with matchesFilter, whose evaluation it reuses.
 */
export function explainFilter(
  filter: Record<string, unknown> | null | undefined,
  context: FilterContext,
): FilterMiss[] | undefined {
  if (matchesFilter(filter, context)) return undefined;
  try {
    const expression = parseFilter(filter);
    if (expression !== undefined) return explain(expression, context, true);
  } catch {
    // Unreadable: reported as such below.
  }
  return [{ clause: "", operator: "malformed" }];
}

/** The clauses that make `expression` evaluate other than `wanted`; called only when it does. */
function explain(expression: Expression, context: FilterContext, wanted: boolean): FilterMiss[] {
  switch (expression.op) {
    case "=":
    case "!=":
    case "in": {
      const left = resolve(expression.left, context);
      const right = expression.op === "in" ? expression.values : resolve(expression.right, context);
      return [
        {
          clause: expression.at,
          operator: expression.op,
          ...sourceOf("leftSource", expression.left),
          ...(expression.op !== "in" ? sourceOf("rightSource", expression.right) : {}),
          ...(left !== undefined ? { left } : {}),
          ...(right !== undefined ? { right } : {}),
          ...(wanted ? {} : { negated: true as const }),
        },
      ];
    }
    case "not":
      return explain(expression.operand, context, !wanted);
    case "and":
    case "or": {
      // Wanting `and` true (or `or` false), the first operand that is not is enough; otherwise all of them are.
      const one = (expression.op === "and") === wanted;
      const off = expression.operands.filter((operand) => evaluate(operand, context) !== wanted);
      return (one ? off.slice(0, 1) : off).flatMap((operand) => explain(operand, context, wanted));
    }
  }
}

function sourceOf<K extends string>(key: K, operand: Operand): Partial<Record<K, string>> {
  if (operand.kind === "literal") return {};
  return { [key]: operand.kind === "source" ? operand.name : "account.id" } as Partial<Record<K, string>>;
}

function parseFilter(filter: unknown): Expression | undefined {
  if (filter === null || filter === undefined) return undefined;
  if (isPlainObject(filter) && Object.keys(filter).length === 0) return undefined;
  const budget = { nodes: 0 };
  return parseExpression(filter, "", 1, budget);
}

type Budget = { nodes: number };

function countNode(budget: Budget, path: string, depth: number): void {
  budget.nodes += 1;
  if (budget.nodes > MAX_FILTER_NODES) throw new FilterError("", `has more than ${MAX_FILTER_NODES} nodes`);
  if (depth > MAX_FILTER_DEPTH) throw new FilterError(path, `nests deeper than ${MAX_FILTER_DEPTH} levels`);
}

function parseExpression(raw: unknown, path: string, depth: number, budget: Budget): Expression {
  countNode(budget, path, depth);
  if (!isPlainObject(raw)) throw new FilterError(path, 'must be an object with one operator, e.g. {"=": [a, b]}');
  const keys = Object.keys(raw);
  const [operator] = keys;
  if (keys.length !== 1 || operator === undefined) {
    throw new FilterError(path, `must have exactly one operator key, found ${keys.length}`);
  }
  const operatorPath = join(path, operator);
  if (!isOperator(operator)) {
    throw new FilterError(operatorPath, `is not a known operator (${OPERATORS.join(", ")})`);
  }
  const args = raw[operator];
  switch (operator) {
    case "=":
    case "!=": {
      const [left, right] = twoOperands(args, operatorPath, "two operands");
      return {
        op: operator,
        at: operatorPath,
        left: parseOperand(left, join(operatorPath, "0"), depth, budget),
        right: parseOperand(right, join(operatorPath, "1"), depth, budget),
      };
    }
    case "in": {
      const [left, list] = twoOperands(args, operatorPath, "an operand and a list of values");
      const listPath = join(operatorPath, "1");
      const operand = parseOperand(left, join(operatorPath, "0"), depth, budget);
      if (!Array.isArray(list)) throw new FilterError(listPath, "must be an array of values");
      countNode(budget, listPath, depth);
      const values = list.map((value, index) => {
        const valuePath = join(listPath, String(index));
        countNode(budget, valuePath, depth);
        if (!isScalar(value)) throw new FilterError(valuePath, "must be a string, number, boolean or null");
        return value;
      });
      return { op: "in", at: operatorPath, left: operand, values };
    }
    case "and":
    case "or": {
      if (!Array.isArray(args) || args.length === 0) {
        throw new FilterError(operatorPath, "must be a non-empty array of expressions");
      }
      const operands = args.map((item, index) =>
        parseExpression(item, join(operatorPath, String(index)), depth + 1, budget),
      );
      return { op: operator, at: operatorPath, operands };
    }
    case "not": {
      // The console writes {"not": expression}; {"not": [expression]} is accepted as the same thing.
      if (Array.isArray(args)) {
        if (args.length !== 1) throw new FilterError(operatorPath, "must be one expression");
        return {
          op: "not",
          at: operatorPath,
          operand: parseExpression(args[0], join(operatorPath, "0"), depth + 1, budget),
        };
      }
      return { op: "not", at: operatorPath, operand: parseExpression(args, operatorPath, depth + 1, budget) };
    }
  }
}

function twoOperands(args: unknown, path: string, what: string): [unknown, unknown] {
  if (!Array.isArray(args) || args.length !== 2) throw new FilterError(path, `must be an array of ${what}`);
  return [args[0], args[1]];
}

function parseOperand(raw: unknown, path: string, depth: number, budget: Budget): Operand {
  if (isPlainObject(raw)) {
    countNode(budget, path, depth);
    const keys = Object.keys(raw);
    if (keys.length !== 1 || keys[0] !== "source") {
      throw new FilterError(path, 'must be a JSON value or {"source": "<path>"}');
    }
    return parseSource(raw.source, join(path, "source"));
  }
  return { kind: "literal", value: parseLiteral(raw, path, depth, budget) };
}

function parseSource(source: unknown, path: string): Operand {
  if (typeof source !== "string") throw new FilterError(path, "must be a string");
  if (source === "account.id") return { kind: "account-id" };
  const [prefix = "", ...rest] = source.split(".");
  const root = Object.hasOwn(SOURCE_ROOTS, prefix) ? SOURCE_ROOTS[prefix] : undefined;
  if (root === undefined || rest.length === 0) throw new FilterError(path, SOURCE_RULE);
  if (rest.some((segment) => segment === "")) throw new FilterError(path, "must not contain empty path segments");
  return { kind: "source", root, path: rest, name: source };
}

function parseLiteral(raw: unknown, path: string, depth: number, budget: Budget): Literal {
  countNode(budget, path, depth);
  if (isScalar(raw)) return raw;
  if (Array.isArray(raw)) {
    return raw.map((item, index) => parseLiteral(item, join(path, String(index)), depth + 1, budget));
  }
  throw new FilterError(path, 'must be a JSON value or {"source": "<path>"}');
}

function evaluate(expression: Expression, context: FilterContext): boolean {
  switch (expression.op) {
    case "=":
      return jsonEqual(resolve(expression.left, context), resolve(expression.right, context));
    case "!=":
      return !jsonEqual(resolve(expression.left, context), resolve(expression.right, context));
    case "in": {
      const value = resolve(expression.left, context);
      // A list-valued field (notification.attackers) is "in" when any of its elements is.
      const candidates = Array.isArray(value) ? value : [value];
      return candidates.some((candidate) => expression.values.some((listed) => jsonEqual(candidate, listed)));
    }
    case "and":
      return expression.operands.every((operand) => evaluate(operand, context));
    case "or":
      return expression.operands.some((operand) => evaluate(operand, context));
    case "not":
      return !evaluate(expression.operand, context);
  }
}

function resolve(operand: Operand, context: FilterContext): unknown {
  switch (operand.kind) {
    case "literal":
      return operand.value;
    case "account-id":
      return context.accountId;
    case "source": {
      let value: unknown = context[operand.root];
      for (const segment of operand.path) {
        // Own properties only: `notification.constructor` must not reach Object.prototype.
        if (Array.isArray(value) && /^\d+$/.test(segment)) value = value[Number(segment)];
        else if (isPlainObject(value) && Object.hasOwn(value, segment)) value = value[segment];
        else return undefined;
      }
      return value;
    }
  }
}

/** JSON equality without coercion: "1" is not 1, and a missing value equals nothing, not even another missing one. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return false;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  const keys = Object.keys(aRecord);
  return (
    keys.length === Object.keys(bRecord).length &&
    keys.every((key) => Object.hasOwn(bRecord, key) && jsonEqual(aRecord[key], bRecord[key]))
  );
}

function isOperator(key: string): key is Operator {
  return (OPERATORS as readonly string[]).includes(key);
}

function isScalar(value: unknown): value is Scalar {
  return (
    value === null ||
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value))
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function join(path: string, segment: string): string {
  return path === "" ? segment : `${path}.${segment}`;
}
