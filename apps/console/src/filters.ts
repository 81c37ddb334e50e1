// Subscription filters as Herald documents them (Subscription-Request-Field-Filters): a JSON object, one operator per
// node. Comparisons {"=": [a, b]}, {"!=": [a, b]}, {"in": [a, [v1, ...]]}; logic {"and": [...]}, {"or": [...]},
// {"not": e}; an operand is a JSON value or {"source": "notification.<key>" | "account.id"}.
// Checked as the user types, so a filter that could never match is caught before it is saved.

export type FilterCheck = { ok: true; value: Record<string, unknown> | undefined } | { ok: false; problem: string };

export function checkFilters(text: string): FilterCheck {
  if (!text.trim()) return { ok: true, value: undefined };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `not JSON: ${(error as Error).message}` };
  }
  if (!isObject(parsed)) return { ok: false, problem: "the filter must be a JSON object" };
  const problem = expression(parsed, "filter");
  return problem ? { ok: false, problem } : { ok: true, value: parsed };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function expression(node: unknown, where: string): string | undefined {
  if (!isObject(node)) return `${where}: an expression is an object such as {"=": [a, b]}`;
  const keys = Object.keys(node);
  if (keys.length !== 1) return `${where}: one operator per object (found ${keys.length})`;
  const operator = keys[0] as string;
  const args = node[operator];
  switch (operator) {
    case "=":
    case "!=":
      if (!Array.isArray(args) || args.length !== 2) return `${where}: "${operator}" takes [a, b]`;
      return operand(args[0], `${where}.${operator}[0]`) ?? operand(args[1], `${where}.${operator}[1]`);
    case "in":
      if (!Array.isArray(args) || args.length !== 2 || !Array.isArray(args[1]))
        return `${where}: "in" takes [a, [v1, v2, ...]]`;
      return operand(args[0], `${where}.in[0]`);
    case "and":
    case "or":
      if (!Array.isArray(args) || args.length === 0) return `${where}: "${operator}" takes a list of expressions`;
      for (const [index, item] of args.entries()) {
        const problem = expression(item, `${where}.${operator}[${index}]`);
        if (problem) return problem;
      }
      return undefined;
    case "not":
      return expression(args, `${where}.not`);
    default:
      return `${where}: unknown operator "${operator}" (=, !=, in, and, or, not)`;
  }
}

function operand(value: unknown, where: string): string | undefined {
  if (!isObject(value)) return undefined;
  if (!("source" in value)) return undefined;
  const source = value.source;
  if (typeof source !== "string" || !(/^notification\.[^.\s]+/.test(source) || source === "account.id"))
    return `${where}: a source is "notification.<key>" or "account.id"`;
  return undefined;
}
