import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { createJob } from "@herald/db";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { sweepStalledWork } from "../src/consumers/sweeper";
import worker from "../src/index";
import { createServices } from "../src/services/container";
import { ACCOUNT, createIntegration, ISOLATED_SWEEP_GRACE_MS, receiver, workerd } from "./delivery-helpers";
import { ACME, call, heraldAs, login, typedCall } from "./helpers";
import { defineJobScenarios } from "./scenarios/jobs.scenarios";

// Recover and replay jobs in workerd: the Worker's queues (miniflare's) carry the job's pages and the re-sent legs.
describe.concurrent("recover and replay jobs", () => {
  defineJobScenarios(workerd);
});

// What the scenarios cannot reach over HTTP: a job's lost message, and one that kept crashing.
describe("a job's messages", () => {
  let token: string;
  beforeAll(async () => {
    token = await login(ACME);
  });

  /** A job made as the API makes one, at `now`, whose message was never queued. */
  async function unqueuedJob(now: number) {
    const integration = await createIntegration(token, (await receiver()).url);
    const { db, newId } = createServices(env);
    const { job } = await createJob(db, {
      id: newId(),
      accountId: ACCOUNT,
      integrationId: integration.id,
      kind: "recover",
      since: Math.floor((now - 60_000) / 1000) * 1000,
      createdBy: "test",
      now,
    });
    return job;
  }

  const acme = () => ({ token, accountId: ACCOUNT });
  const jobOf = (id: string) => heraldAs(acme()).getJob(id);

  it("a request made again while its job is unfinished answers that job, or 409 with another since", async () => {
    const now = Date.now();
    const job = await unqueuedJob(now);
    const path = `/herald/v2/${ACCOUNT}/integrations/${job.integrationId}/recover`;
    const same = await typedCall(acme(), (herald) =>
      herald.recoverIntegration(job.integrationId, { since: Math.floor((now - 60_000) / 1000) }),
    );
    expect(same.status).toBe(202);
    expect(same.body).toMatchObject({ job_id: job.id, status: "queued" });
    const other = await call("POST", path, { token, body: { since: Math.floor((now - 120_000) / 1000) } });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ error: "conflict" });
    // Replay is another kind: not held up by the recover job.
    const replay = await typedCall(acme(), (herald) =>
      herald.replayIntegration(job.integrationId, { since: Math.floor((now - 120_000) / 1000) }),
    );
    expect(replay.status).toBe(202);
    expect(replay.body.job_id).not.toBe(job.id);
  });

  it("a job whose message was lost is queued again by the sweeper, and completes", async () => {
    // Made long enough ago that only this test's sweep (with a grace as long) takes it.
    const job = await unqueuedJob(Date.now() - ISOLATED_SWEEP_GRACE_MS - 60_000);
    expect((await jobOf(job.id)).status).toBe("queued");
    await sweepStalledWork({ ...env, SWEEP_GRACE_SECONDS: String(ISOLATED_SWEEP_GRACE_MS / 1000) });
    await vi.waitFor(async () => expect(await jobOf(job.id)).toMatchObject({ status: "completed", requeued: 0 }), {
      timeout: 10_000,
      interval: 100,
    });
  });

  it("a job whose message kept crashing Herald is marked failed by the dead-letter consumer", async () => {
    const job = await unqueuedJob(Date.now());
    const batch = createMessageBatch("herald-fanout-dlq", [
      { id: "dead-job", timestamp: new Date(), attempts: 1, body: { v: 1, job_id: job.id, account_id: ACCOUNT } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["dead-job"]);
    expect(await jobOf(job.id)).toMatchObject({ status: "failed", error: expect.stringMatching(/kept failing/) });
    // The integration is free for another job of the kind.
    const again = await typedCall(acme(), (herald) =>
      herald.recoverIntegration(job.integrationId, { since: Math.floor(Date.now() / 1000) - 60 }),
    );
    expect(again.status).toBe(202);
    expect(again.body.id).not.toBe(job.id);
  });
});
