// Recover and replay jobs end to end, written once over a harness and run by both suites: the Worker in workerd
// (test/jobs.test.ts) and the Node runtime (node/jobs.test.ts). A receiver fails, then works again; the job puts the
// failed deliveries back in the queue and its progress is read over HTTP.
import type { Schemas } from "@herald/client";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { ACME_WRITER, GLOBEX } from "../common";
import { ACCOUNT, deliveryTools, type Harness } from "./harness";

type Kind = "recover" | "replay";

export function defineJobScenarios(harness: Harness) {
  const { call, herald, login, signIn, createIntegration, freshType, subscribe, send, deliveries, settled } =
    deliveryTools(harness);

  let token: string;
  let platform: string;
  beforeAll(async () => ({ token, platform } = await signIn()));

  /** Starts a job the test expects Herald to accept, through the typed client: the answer's status and the job. */
  async function startJob(kind: Kind, integrationId: string, since: number) {
    const request = { params: { path: { account_id: ACCOUNT, id: integrationId } }, body: { since } };
    const client = herald(token).raw;
    const { data, response } =
      kind === "recover"
        ? await client.POST("/herald/v2/{account_id}/integrations/{id}/recover", request)
        : await client.POST("/herald/v2/{account_id}/integrations/{id}/replay", request);
    expect(response.status).toBe(202);
    return data as Schemas["Job-Accepted"];
  }

  /** Starts a job the test expects Herald to refuse: a raw call, sending what the types may forbid. */
  const refusedJob = (kind: Kind, integrationId: string, body: unknown, as = token) =>
    call("POST", `/herald/v2/${ACCOUNT}/integrations/${integrationId}/${kind}`, { token: as, body });

  /** Waits for the job to finish, and answers it. */
  const finished = (jobId: string) =>
    vi.waitFor(
      async () => {
        const job = await herald(token).getJob(jobId);
        expect(job.status).toBe("completed");
        return job;
      },
      { timeout: 25_000, interval: 100 },
    );

  const attemptsOf = async (notificationId: string) => (await deliveries(token, notificationId))[0]?.attempts ?? [];

  const nowSeconds = () => Math.floor(Date.now() / 1000);

  describe("recover", () => {
    it("re-sends the integration's FAILED deliveries since a time, once, and reports the job's progress", async () => {
      const since = nowSeconds() - 60;
      // Two notifications whose calls fail (a 400 is not retried), then the receiver works again.
      const target = await harness.receiver([{ status: 400 }, { status: 400 }, { status: 200 }]);
      const integration = await createIntegration(token, target.url);
      // A second integration on the same notifications, failing too: the job is not about it.
      const otherTarget = await harness.receiver([{ status: 400 }, { status: 400 }, { status: 200 }]);
      const other = await createIntegration(token, otherTarget.url);
      const type = await freshType(platform);
      await subscribe(token, type, [
        { subscriber: integration.id, subscriber_type: "connection" },
        { subscriber: other.id, subscriber_type: "connection" },
      ]);
      const first = await send(token, type);
      await settled(token, first.id, 2, ["FAILED"]);
      const second = await send(token, type);
      await settled(token, second.id, 2, ["FAILED"]);

      const job = await startJob("recover", integration.id, since);
      expect(job).toMatchObject({
        job_id: job.id,
        kind: "recover",
        integration_id: integration.id,
        since,
        matched: 2,
      });
      expect(["queued", "running", "completed"]).toContain(job.status);
      expect(await finished(job.id)).toMatchObject({ status: "completed", matched: 2, requeued: 2 });

      for (const notification of [first, second]) {
        const legs = await settled(token, notification.id, 2);
        const ours = legs.find((leg) => leg.destination === integration.id);
        const theirs = legs.find((leg) => leg.destination === other.id);
        expect(ours?.status).toBe("DELIVRD");
        expect(theirs?.status).toBe("FAILED");
        expect(theirs?.attempts).toHaveLength(1);
        expect((ours?.attempts ?? []).map((a) => [a.response_code, a.trigger, a.job_id])).toEqual([
          [400, "queue", undefined],
          [200, "recover", job.id],
        ]);
      }
      expect(await target.calls()).toHaveLength(4);

      // Asked again with the same `since`: nothing left to do, nothing sent twice.
      const again = await startJob("recover", integration.id, since);
      const repeat = await finished(again.id);
      expect(repeat).toMatchObject({ matched: 0, requeued: 0 });
      expect(await target.calls()).toHaveLength(4);
      expect(await otherTarget.calls()).toHaveLength(2);
    });

    it("answers the running job when asked twice at once, and takes each delivery once", async () => {
      const since = nowSeconds() - 60;
      const target = await harness.receiver([{ status: 400 }, { status: 200 }]);
      const integration = await createIntegration(token, target.url);
      const type = await freshType(platform);
      await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
      const notification = await send(token, type);
      await settled(token, notification.id, 1, ["FAILED"]);

      // Both accepted (startJob checks each 202).
      const jobs = await Promise.all([
        startJob("recover", integration.id, since),
        startJob("recover", integration.id, since),
      ]);
      for (const job of jobs) await finished(job.id);
      await settled(token, notification.id, 1, ["DELIVRD"]);
      // Either the same job, or the second found the leg already taken.
      if (jobs[0]?.id !== jobs[1]?.id) {
        const final = await Promise.all(jobs.map((j) => finished(j.id)));
        expect(final.map((j) => j.requeued).sort()).toEqual([0, 1]);
      }
      expect((await attemptsOf(notification.id)).map((a) => a.trigger)).toEqual(["queue", "recover"]);
      expect(await target.calls()).toHaveLength(2);
    });

    it("answers 400 beyond 14 days back or in the future, 404 across accounts, 403 without the admin role", async () => {
      const target = await harness.receiver();
      const integration = await createIntegration(token, target.url);
      const tooOld = await refusedJob("recover", integration.id, { since: nowSeconds() - 15 * 86_400 });
      expect(tooOld.status).toBe(400);
      expect(tooOld.body).toMatchObject({ error: "invalid_value", path: "since" });
      const future = await refusedJob("replay", integration.id, { since: nowSeconds() + 3_600 });
      expect(future.status).toBe(400);
      expect(future.body).toMatchObject({ error: "invalid_value", path: "since" });
      const missing = await refusedJob("recover", integration.id, {});
      expect(missing.status).toBe(400);
      expect(missing.body.error).toBeDefined();

      const ok = await startJob("recover", integration.id, nowSeconds() - 60);
      const globex = await login(GLOBEX);
      const across = await call("POST", `/herald/v2/${GLOBEX.accountId}/integrations/${integration.id}/recover`, {
        token: globex,
        body: { since: nowSeconds() - 60 },
      });
      expect(across.status).toBe(404);
      const jobAcross = await call("GET", `/herald/v2/${GLOBEX.accountId}/jobs/${ok.id}`, {
        token: globex,
      });
      expect(jobAcross.status).toBe(404);
      expect((await call("GET", `/herald/v2/${ACCOUNT}/jobs/NO-SUCH-JOB`, { token })).status).toBe(404);
      const writer = await login(ACME_WRITER);
      expect((await refusedJob("recover", integration.id, { since: nowSeconds() - 60 }, writer)).status).toBe(403);
    });
  });

  describe("replay", () => {
    it("delivers once what a disabled integration missed, after it is enabled again", async () => {
      const since = nowSeconds() - 60;
      // The first call answers 410 and disables the integration; once updated it works.
      const target = await harness.receiver([{ status: 410 }, { status: 200 }]);
      const integration = await createIntegration(token, target.url);
      const type = await freshType(platform);
      await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
      const gone = await send(token, type);
      await settled(token, gone.id, 1, ["FAILED"]);
      const missed = await send(token, type);
      const [skipped] = await settled(token, missed.id, 1, ["FAILED"]);
      expect(skipped?.attempts.map((a) => a.response_code)).toEqual([undefined]);
      expect(skipped?.last_error).toMatch(/integration is disabled/);

      const whileDisabled = await refusedJob("replay", integration.id, { since });
      expect(whileDisabled.status).toBe(409);
      expect(whileDisabled.body.error).toBe("conflict");

      const enabled = await herald(token).raw.PUT("/herald/v2/{account_id}/integrations/{id}", {
        params: { path: { account_id: ACCOUNT, id: integration.id } },
        body: { name: "enabled again" },
      });
      expect(enabled.response.status).toBe(200);
      const started = await startJob("replay", integration.id, since);
      expect(await finished(started.id)).toMatchObject({ kind: "replay", matched: 1, requeued: 1 });

      const [delivered] = await settled(token, missed.id, 1, ["DELIVRD"]);
      expect((delivered?.attempts ?? []).map((a) => a.trigger)).toEqual(["queue", "replay"]);
      // The 410 was a call that failed, not a skip: replay leaves it (recover is what re-sends it).
      const [stillGone] = await settled(token, gone.id, 1, ["FAILED"]);
      expect(stillGone?.attempts).toHaveLength(1);
      expect(await target.calls()).toHaveLength(2);

      // Once: a second replay finds nothing.
      const again = await startJob("replay", integration.id, since);
      expect(await finished(again.id)).toMatchObject({ matched: 0, requeued: 0 });
      expect(await target.calls()).toHaveLength(2);
    });
  });
}
