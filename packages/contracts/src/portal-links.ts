import { AuthenticateResponse } from "./auth";
import { EpochSeconds, Id } from "./common";
import { z } from "./zod";

// Herald extension: portal links, the console's sign-in for an end customer (issue #13). An admin makes a link; the
// console exchanges the single-use code it holds for a session limited to a role and, optionally, some integrations.

/** The longest a portal link's code stays valid. */
export const PORTAL_LINK_MAX_SECONDS = 24 * 60 * 60;
/** How long a portal link's code stays valid when the request does not say. */
export const PORTAL_LINK_DEFAULT_SECONDS = 60 * 60;

export const PortalRole = z.enum(["read", "write"]).openapi("Portal-Role", {
  description:
    "`read`: the session sees and changes nothing else than it may read. `write`: it may also retry legs and manage " +
    "the integrations it is limited to (update, test, rotate the signing secret, pause, resume, recover, replay).",
});
export type PortalRole = z.infer<typeof PortalRole>;

export const CreatePortalLinkRequest = z
  .object({
    expires_in: z
      .number()
      .int()
      .min(60)
      .max(PORTAL_LINK_MAX_SECONDS)
      .default(PORTAL_LINK_DEFAULT_SECONDS)
      .openapi({ description: "Seconds the code stays valid (60 to 86400; default 3600)." }),
    role: PortalRole.default("read"),
    integration_ids: z
      .array(Id)
      .min(1)
      .max(100)
      .optional()
      .openapi({
        description:
          "Limits the session to these integrations of the account: only their settings, legs and attempts are " +
          "visible and changeable. Left out: the whole account, at `role`.",
      }),
    embed: z
      .boolean()
      .default(false)
      .openapi({ description: "The console renders for an iframe (the URL carries `embed=1`)." }),
  })
  .openapi("Create-Portal-Link-Request", {
    example: { expires_in: 3600, role: "read", integration_ids: ["95470F2D-59AA-485F-AE4B-A844D81A53C6"] },
  });
export type CreatePortalLinkRequest = z.input<typeof CreatePortalLinkRequest>;

export const PortalLink = z
  .object({
    id: Id,
    url: z.string().openapi({
      description:
        "The console's portal page with the code in the fragment (`#code=...`), so it reaches no server log or " +
        "Referer header.",
      example: "https://herald.example.com/console/portal#code=pl_3q2-bW0...",
    }),
    code: z.string().openapi({ description: "The single-use sign-in code the URL holds; shown only here." }),
    expires_at: EpochSeconds,
    role: PortalRole,
    integration_ids: z.array(Id).optional(),
    embed: z.boolean(),
    created: EpochSeconds,
    created_by: z.string(),
  })
  .openapi("Portal-Link", { description: "A portal link: a console URL holding a short-lived, single-use code." });
export type PortalLink = z.infer<typeof PortalLink>;

export const CreatePortalSessionRequest = z
  .object({ code: z.string().min(1).max(200).openapi({ description: "The code of a portal link's URL." }) })
  .openapi("Create-Portal-Session-Request");
export type CreatePortalSessionRequest = z.infer<typeof CreatePortalSessionRequest>;

export const PortalSession = AuthenticateResponse.extend({
  portal: z.object({
    link_id: Id,
    role: PortalRole,
    integration_ids: z.array(Id).optional().openapi({ description: "Left out: the whole account." }),
    embed: z.boolean(),
  }),
}).openapi("Portal-Session", {
  description:
    "A console session from a portal link: a token as AIMS `authenticate` answers one (send it as " +
    "`x-aims-auth-token`), limited to the link's role and integrations, and valid at most until the link expires.",
});
export type PortalSession = z.infer<typeof PortalSession>;
