import { Hono } from "hono";
import { describe, expect, expectTypeOf, it } from "vitest";
import { webhookMiddleware } from "../src/hono";
import { type Notification, signWebhook } from "../src/index";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const BODY = JSON.stringify({ id: "N1", type: "incidents/alerts" });

function receiver(options: Parameters<typeof webhookMiddleware>[0]) {
  const app = new Hono();
  app.post("/hook", webhookMiddleware(options), async (c) =>
    c.json({
      id: c.var.heraldWebhook.id,
      webhookId: c.var.heraldWebhookId,
      raw: await c.req.text(),
    }),
  );
  return app;
}

async function post(app: Hono, headers: Record<string, string>, body = BODY) {
  return app.request("/hook", { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
}

describe("webhookMiddleware", () => {
  it("verifies the webhook and hands the parsed body and webhook id to the handler", async () => {
    const headers = await signWebhook({ secret: SECRET, id: "msg_D1", body: BODY });
    const response = await post(receiver({ secret: SECRET }), headers);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: "N1", webhookId: "msg_D1", raw: BODY });
  });

  it("answers 401 without calling the handler when the signature does not match", async () => {
    const headers = await signWebhook({ secret: SECRET, id: "msg_D1", body: BODY });
    const response = await post(receiver({ secret: SECRET }), headers, BODY.replace("N1", "N2"));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "unauthorized" });

    const unsigned = await post(receiver({ secret: SECRET }), {});
    expect(unsigned.status).toBe(401);
  });

  it("takes the secret from a function of the request, and a custom answer for failures", async () => {
    const app = receiver({
      secret: (c) => (c.req.query("team") === "soc" ? [SECRET] : "whsec_Zhn/eA7F+wJEMaGujpiLymnXulxayjvJnr96UHo3zTY="),
      onError: (error, c) => c.text(`rejected: ${error.reason}`, 403),
    });
    const headers = await signWebhook({ secret: SECRET, id: "msg_D1", body: BODY });
    const accepted = await app.request("/hook?team=soc", { method: "POST", headers, body: BODY });
    expect(accepted.status).toBe(200);
    const refused = await app.request("/hook?team=other", { method: "POST", headers, body: BODY });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toBe("rejected: no_matching_signature");
  });

  it("lets a stale webhook through only within the tolerance given", async () => {
    const headers = await signWebhook({
      secret: SECRET,
      id: "msg_D1",
      body: BODY,
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    expect((await post(receiver({ secret: SECRET }), headers)).status).toBe(401);
    expect((await post(receiver({ secret: SECRET, toleranceSeconds: 900 }), headers)).status).toBe(200);
  });

  it("types c.var.heraldWebhook as a Notification by default, or as the type asked for", async () => {
    // The expectTypeOf lines are checked by `pnpm typecheck` (tsc over test/); the answers are checked here.
    const typed = new Hono()
      .post("/default", webhookMiddleware({ secret: SECRET }), (c) => {
        expectTypeOf(c.var.heraldWebhook).toEqualTypeOf<Notification>();
        return c.json({ type: c.var.heraldWebhook.type });
      })
      .post("/custom", webhookMiddleware<{ id: string; custom?: number }>({ secret: SECRET }), (c) => {
        expectTypeOf(c.var.heraldWebhook).toEqualTypeOf<{ id: string; custom?: number }>();
        return c.json({ id: c.var.heraldWebhook.id });
      });
    const headers = await signWebhook({ secret: SECRET, id: "msg_D1", body: BODY });
    const asNotification = await typed.request("/default", { method: "POST", headers, body: BODY });
    expect(await asNotification.json()).toEqual({ type: "incidents/alerts" });
    const asCustom = await typed.request("/custom", { method: "POST", headers, body: BODY });
    expect(await asCustom.json()).toEqual({ id: "N1" });
  });
});
