// A bad setting on Workers, which have no start hook: the first request, batch or cron run meets it, and every one
// after it meets it the same way (one line in the log, Herald's error shape to callers), until the deployment is fixed.
import { createExecutionContext, createMessageBatch, env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../src/app";
import { sweepStalledWork } from "../src/consumers/sweeper";
import type { Env } from "../src/env";
import worker from "../src/index";
import { SettingsError } from "../src/settings";

const PROBLEM = 'invalid setting WEBHOOK_TIMEOUT_MS: expected a whole number of milliseconds > 0, got "15s"';

/** A deployment whose WEBHOOK_TIMEOUT_MS says "15s" (a fresh object: services are built once per bindings object). */
const misconfigured = () => ({ ...env, WEBHOOK_TIMEOUT_MS: "15s" }) as unknown as Env;

const errorLines = (spy: ReturnType<typeof vi.spyOn>) =>
  spy.mock.calls.map((args: unknown[]) => args.map(String).join(" "));

afterEach(() => vi.restoreAllMocks());

describe("a bad setting", () => {
  it("answers every request 503 service_unavailable, logging one line that names the variable each time", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const app = createApp();
    const bindings = misconfigured();
    for (const attempt of [1, 2]) {
      const response = await app.request("/health", {}, bindings);
      expect(response.status, `attempt ${attempt}`).toBe(503);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toEqual({
        error: "service_unavailable",
        details: "Herald's settings are invalid: its log names the variable",
        request_id: expect.any(String),
      });
      // Nothing of the configuration reaches the caller.
      expect(JSON.stringify(body)).not.toContain("WEBHOOK_TIMEOUT_MS");
    }
    const lines = errorLines(logged);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain("\n");
      expect(JSON.parse(line)).toMatchObject({ level: "error", error: "settings", message: PROBLEM });
      expect(line).not.toContain("    at ");
    }
  });

  it("serves as soon as the setting is right", async () => {
    const response = await createApp().request("/health", {}, { ...misconfigured(), WEBHOOK_TIMEOUT_MS: "15000" });
    expect(response.status).toBe(200);
  });

  it("fails a queue batch with one line naming it, so the queue retries the batch", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const batch = createMessageBatch("herald-fanout", [
      { id: "m-1", timestamp: new Date(), attempts: 1, body: { v: 1, notification_id: "X" } },
    ]);
    await expect(worker.queue(batch, misconfigured(), createExecutionContext())).rejects.toThrow(SettingsError);
    const [line, ...others] = errorLines(logged);
    expect(others).toEqual([]);
    expect(JSON.parse(line ?? "{}")).toMatchObject({ level: "error", error: `SettingsError: ${PROBLEM}` });
  });

  it("fails the sweeper's run with the same error", async () => {
    await expect(sweepStalledWork(misconfigured())).rejects.toThrow(PROBLEM);
  });
});
