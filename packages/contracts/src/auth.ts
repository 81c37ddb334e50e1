import { z } from "./zod";

// AIMS-compatible shapes: almdrlib logs in with POST /aims/v1/authenticate (HTTP Basic) or checks a token with
// GET /aims/v1/token_info, and reads the fields below.

export const Role = z.enum(["read", "write", "admin"]).openapi("Role", {
  description: "`read`: GETs. `write`: also changes. `admin`: also platform-wide settings.",
  example: "admin",
});
export type Role = z.infer<typeof Role>;

export const AuthAccount = z
  .object({
    id: z.string().openapi({ example: "12345678" }),
    name: z.string().openapi({ example: "Albert Conglomerate" }),
  })
  .openapi("Auth-Account");
export type AuthAccount = z.infer<typeof AuthAccount>;

export const AuthUser = z
  .object({
    id: z.string().openapi({ example: "28122406-177B-4C5C-B6E6-4A947EA324EF" }),
    name: z.string().openapi({ example: "Jane Analyst" }),
  })
  .openapi("Auth-User");
export type AuthUser = z.infer<typeof AuthUser>;

const tokenExpiration = z
  .number()
  .int()
  .nonnegative()
  .openapi({ description: "When the token expires, in Unix seconds.", example: 1517400712 });

export const AuthenticateResponse = z
  .object({
    authentication: z.object({
      token: z.string().openapi({ description: "Send as the `x-aims-auth-token` header." }),
      token_expiration: tokenExpiration,
      account: AuthAccount,
      user: AuthUser,
    }),
  })
  .openapi("Authenticate-Response");
export type AuthenticateResponse = z.infer<typeof AuthenticateResponse>;

export const TokenInfo = z
  .object({
    account: AuthAccount,
    user: AuthUser,
    token_expiration: tokenExpiration,
    roles: z.array(Role).optional(),
  })
  .openapi("Token-Info", { description: "What GET /aims/v1/token_info says about the token sent." });
export type TokenInfo = z.infer<typeof TokenInfo>;
