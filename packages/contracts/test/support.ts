// Helpers of the contracts' tests: a schema's parse issues, and expectations on them.
import { expect } from "vitest";
import type { z } from "../src/zod";

export type Issue = { code: string; path: string };

/** The issues of a failed parse, as `{code, path}` with a dotted path; [] when it parses. */
export function issues(schema: z.ZodType, input: unknown): Issue[] {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => ({ code: i.code, path: i.path.join(".") }));
}

export const accepts = (schema: z.ZodType, input: unknown) => expect(issues(schema, input)).toEqual([]);
export const rejects = (schema: z.ZodType, input: unknown, path = "") =>
  expect(issues(schema, input).map((i) => i.path)).toContain(path);
