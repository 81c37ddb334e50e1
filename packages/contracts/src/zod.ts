import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";

// Adds `.openapi()` to every zod schema, once. @hono/zod-openapi extends the same zod instance, so component
// names and metadata set in this package show up unchanged in the API's OpenAPI document.
extendZodWithOpenApi(z);

export { z };
