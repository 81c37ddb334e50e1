import { z } from "./zod";

// Building blocks shared by every resource. Field-level helpers (ids, timestamps, query values) are deliberately
// not named components: inlined, they keep the generated document readable.

export const EpochSeconds = z
  .number()
  .int()
  .nonnegative()
  .openapi({ description: "Unix time in whole seconds.", example: 1517314312 });
export type EpochSeconds = z.infer<typeof EpochSeconds>;

/** Ids are uppercase UUIDs made by the server; lookups normalise case, so only emptiness is rejected here. */
export const Id = z.string().min(1).openapi({
  description: "Server-generated id (an uppercase UUID).",
  example: "95470F2D-59AA-485F-AE4B-A844D81A53C6",
});
export type Id = z.infer<typeof Id>;

export const AccountId = z.string().min(1).openapi({ description: "AIMS account id.", example: "12345678" });
export type AccountId = z.infer<typeof AccountId>;

export const Actor = z
  .object({
    at: EpochSeconds,
    by: z.string().openapi({
      description: "Id of the AIMS user who made the change.",
      example: "28122406-177B-4C5C-B6E6-4A947EA324EF",
    }),
  })
  .openapi("Actor", { description: "When, and by whom, an object was created or last modified." });
export type Actor = z.infer<typeof Actor>;

/** Absolute http(s) URL. Whether the host is reachable and public is the server's check, not the contract's. */
export const HttpUrl = z
  .url({ protocol: /^https?$/, error: "must be an absolute http or https URL" })
  .max(2048)
  .openapi({
    description: "Absolute http or https URL, at most 2048 characters.",
    example: "https://example.com/hook",
  });
export type HttpUrl = z.infer<typeof HttpUrl>;

// ---- Query-string values: they always arrive as strings. ----

function parseQueryBoolean(value: unknown): unknown {
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  return value;
}

/** A query-string flag: "true"/"1" and "false"/"0" (almdrlib sends "true"/"false"); absent means false. */
export const QueryBoolean = z
  .preprocess(parseQueryBoolean, z.boolean().default(false))
  .openapi({ description: 'Flag: "true" or "1", "false" or "0". Defaults to false.' });
export type QueryBoolean = z.infer<typeof QueryBoolean>;

export const SortOrder = z
  .enum(["asc", "desc"])
  .openapi("Sort-Order", { description: "Direction to sort by creation time.", example: "desc" });
export type SortOrder = z.infer<typeof SortOrder>;

// Alert Logic's definition writes the enum as '"desc"', with the quotes, so a client generated from it may send them.
function stripQuotes(value: unknown): unknown {
  return typeof value === "string" ? value.replace(/^"(.*)"$/, "$1") : value;
}

export const SortQuery = z
  .preprocess(stripQuotes, SortOrder.default("desc"))
  .openapi({ description: 'Direction to sort by creation time. Defaults to "desc".' });
export type SortQuery = z.infer<typeof SortQuery>;

export const LimitQuery = z.coerce
  .number()
  .int()
  .min(1)
  .max(1000)
  .default(100)
  .openapi({ description: "Maximum number of items per page (1 to 1000).", example: 100 });
export type LimitQuery = z.infer<typeof LimitQuery>;

// `type` is spelled out because coercion also accepts null (as 0), which the generator would document as nullable.
export const EpochSecondsQuery = z.coerce
  .number()
  .int()
  .min(0)
  .openapi({ type: "integer", minimum: 0, description: "Unix time in whole seconds.", example: 1517314312 });
export type EpochSecondsQuery = z.infer<typeof EpochSecondsQuery>;

export const ContinuationIdQuery = z
  .string()
  .min(1)
  .openapi({ description: "The `continuation_id` of the previous page; continue from that result." });
export type ContinuationIdQuery = z.infer<typeof ContinuationIdQuery>;

/** A page of a list answer, after its items: the next page's `continuation_id`, and how many `things` match in all. */
export function pageFields(things: string) {
  return {
    continuation_id: z
      .string()
      .optional()
      .openapi({ description: "Pass as `continuation_id` to get the next page. Absent on the last page." }),
    total_count: z
      .number()
      .int()
      .nonnegative()
      .openapi({ description: `Number of ${things} matching the query, over all pages.` }),
  };
}

// ---- Path parameters, in the form @hono/zod-openapi reads. ----

/**
 * Marks a schema as the path parameter `name`. The description goes on the parameter, not the schema: schema
 * metadata added here would leak into the component when `schema` is a named one.
 */
export function pathParam<T extends z.ZodType>(name: string, schema: T, description: string): T {
  return schema.openapi({ param: { name, in: "path", description } });
}

export const AccountIdParam = z.object({ account_id: pathParam("account_id", AccountId, "AIMS account id.") });
export type AccountIdParam = z.infer<typeof AccountIdParam>;
