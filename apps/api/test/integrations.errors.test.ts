import { describe, expect, it } from "vitest";
import { expectHeraldError, typedCall, unique } from "./helpers";
import * as integrations from "./setup/integrations";
import { signedIn } from "./setup/sessions";

// Integration requests Herald refuses for what they carry: missing and invalid fields, private targets, bad headers,
// unknown ids and signature schemes. A refusal stores or changes nothing.

const { acme } = signedIn("acme");

describe("POST /herald/v2/{account_id}/integrations", () => {
  it("answers 400 when header and headers disagree, and stores nothing", async () => {
    const body = integrations.webhook({ headers: { "X-A": "1" }, header: { "X-A": "2" } });
    const result = await integrations.post(acme, body);
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe("header");
    expect(await integrations.names(acme)).not.toContain(body.name);
  });

  it.each(["name", "target_url"])("answers 400 missing_required_property without %s", async (field) => {
    const body: Record<string, unknown> = { name: unique("hook"), target_url: "https://hooks.example.com/x" };
    delete body[field];
    const result = await integrations.post(acme, body);
    expectHeraldError(result, 400, "missing_required_property");
    expect(result.body.details).toBe(field);
  });

  it.each([
    ["type", "carrier_pigeon"],
    ["name", ""],
    ["target_url", `https://hooks.example.com/${"x".repeat(2048)}`],
  ])("answers 400 for %s %j", async (field, value) => {
    const name = unique("bad");
    const result = await integrations.post(acme, { name, target_url: "https://hooks.example.com/x", [field]: value });
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe(field);
  });

  // Which targets are refused, in every spelling and at every door (and again at send time): test/ssrf.test.ts.
  it("answers 400 naming target_url for a private target, and stores nothing", async () => {
    const body = integrations.webhook({ target_url: "http://169.254.169.254/latest/meta-data" });
    const result = await integrations.post(acme, body);
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe("target_url");
    expect(await integrations.names(acme)).not.toContain(body.name);
  });

  const manyHeaders = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`X-H${i}`, "v"]));

  it.each([
    ["a value with CR LF", { "X-A": "ok\r\nX-Injected: 1" }, "headers.X-A"],
    ["a value with LF", { "X-A": "ok\nX-Injected: 1" }, "headers.X-A"],
    ["a value with CR", { "X-A": "ok\rX-Injected: 1" }, "headers.X-A"],
    ["a value with NUL", { "X-A": "ok\u0000" }, "headers.X-A"],
    ["a value over 4096 characters", { "X-A": "v".repeat(4097) }, "headers.X-A"],
    ["a name with a space", { "Bad Header": "x" }, "headers.Bad Header"],
    ["a name with a colon", { "X:Y": "x" }, "headers.X:Y"],
    ["an empty name", { "": "x" }, "headers."],
    ["a name with non-ASCII letters", { Äpfel: "x" }, "headers.Äpfel"],
    ["names that differ only in case", { "X-A": "1", "x-a": "2" }, "headers"],
    ["more than 50 headers", manyHeaders, "headers"],
  ])("answers 400 for headers with %s, and stores nothing", async (_label, headers, path) => {
    for (const field of ["headers", "header"]) {
      const name = unique("headers");
      const result = await integrations.post(acme, {
        name,
        target_url: "https://hooks.example.com/x",
        [field]: headers,
      });
      expectHeraldError(result, 400, "invalid_value");
      expect(result.body.path).toBe(field === "headers" ? path : path.replace(/^headers/, "header"));
      expect(await integrations.names(acme)).not.toContain(name);
    }
  });

  it("answers 400 wrong_type for a header value that is not a string", async () => {
    const result = await integrations.post(acme, {
      name: unique("hook"),
      target_url: "https://hooks.example.com/x",
      headers: { "X-A": 1 },
    });
    expectHeraldError(result, 400, "wrong_type");
    expect(result.body.path).toBe("headers.X-A");
  });
});

describe("GET /herald/v2/{account_id}/integrations/{id}", () => {
  it("answers 404 for an unknown id", async () => {
    expectHeraldError(await integrations.get(acme, crypto.randomUUID()), 404, "not_found");
  });
});

describe("PUT /herald/v2/{account_id}/integrations/{id}", () => {
  it("answers 400 naming target_url for a private target, and keeps the old target", async () => {
    const created = await integrations.create(acme);
    const result = await integrations.put(acme, created.id, { target_url: "http://10.0.0.1/" });
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe("target_url");
    expect((await integrations.read(acme, created.id)).target_url).toBe(created.target_url);
  });

  it("answers 400 for a header value with CR/LF, and keeps the old headers", async () => {
    const created = await integrations.create(acme, { headers: { "X-A": "1" } });
    const result = await integrations.put(acme, created.id, { headers: { "X-A": "1\r\nX-B: 2" } });
    expectHeraldError(result, 400, "invalid_value");
    expect((await integrations.read(acme, created.id)).headers).toEqual({ "X-A": "1" });
  });

  it("answers 404 for an unknown id", async () => {
    const result = await integrations.put(acme, crypto.randomUUID(), { name: "x" });
    expectHeraldError(result, 404, "not_found");
  });
});

describe("signature_scheme", () => {
  it("answers 400 naming signature_scheme for a scheme Herald does not have, and stores or changes nothing", async () => {
    const name = unique("bad-scheme");
    const created = await integrations.post(acme, {
      name,
      target_url: "https://hooks.example.com/x",
      signature_scheme: "rsa",
    });
    expectHeraldError(created, 400, "invalid_value");
    expect(created.body.path).toBe("signature_scheme");
    expect(await integrations.names(acme)).not.toContain(name);

    const existing = await integrations.create(acme);
    const updated = await integrations.put(acme, existing.id, { signature_scheme: "HMAC" });
    expectHeraldError(updated, 400, "invalid_value");
    expect(updated.body.path).toBe("signature_scheme");
    expect(await integrations.read(acme, existing.id)).toEqual(existing);
  });

  it("answers 400 for signature_scheme on an integration that is not a webhook", async () => {
    const slack = await typedCall(acme, (herald) =>
      herald.createIntegration({
        name: unique("hook"),
        type: "slack",
        target_url: "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
      }),
    );
    expect(slack.status).toBe(201);
    const result = await integrations.put(acme, slack.body.id, { signature_scheme: "ed25519" });
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe("signature_scheme");
  });
});
