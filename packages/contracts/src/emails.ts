import { z } from "./zod";

export const CapturedEmailsQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .openapi({ description: "How many of the newest e-mails to answer (1 to 200).", example: 50 }),
});
export type CapturedEmailsQuery = z.infer<typeof CapturedEmailsQuery>;
