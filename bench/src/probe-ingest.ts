// A diagnosis tool, not part of `pnpm bench`: starts one runtime (wrangler dev's output echoed), subscribes the
// receiver with 10 destinations, and runs the closed-loop ingest of scenario 4 for --seconds, printing every second
// what was answered, delivered, and what the server counted (libSQL round trips and the time the libSQL server spent
// on them, queue messages). `tsx src/probe-ingest.ts [node|workerd] [seconds] [connections] [destinations]`.
import { performance } from "node:perf_hooks";
import type { RuntimeName } from "./config";
import { Sender } from "./e2e";
import { HeraldApi } from "./herald-api";
import { openFds, peakMemoryMiB, tcpStates } from "./proc";
import { Receiver } from "./receiver";
import { startTarget, usageNow } from "./targets";

const runtime = (process.argv[2] ?? "workerd") as RuntimeName;
const seconds = Number(process.argv[3] ?? 20);
const connections = Number(process.argv[4] ?? 50);
const destinations = Number(process.argv[5] ?? 10);

const receiver = new Receiver();
await receiver.start();
const target = await startTarget(runtime, { profile: false, echo: process.env.PROBE_ECHO === "true" });
try {
  const api = new HeraldApi(target.url);
  await api.login();
  const ids: string[] = [];
  for (let i = 0; i < destinations; i++)
    ids.push(await api.createIntegration(`probe ${i}`, `${receiver.url}/hook/${i}`));
  if (destinations > 0) await api.createSubscription("probe", ids);
  const sender = new Sender(target.url, api.token);
  let answered = 0;
  let failed = 0;
  let sending = true;
  const loops = Array.from({ length: connections }, async () => {
    while (sending) {
      const status = await sender.send(`probe-${answered + failed}`);
      if (status === 202) answered += 1;
      else failed += 1;
    }
  });
  const began = performance.now();
  const handlerMs = async () =>
    ((await target.databaseServer?.()) as { timing?: { handlerMs: number } } | undefined)?.timing?.handlerMs ?? 0;
  let last = { answered: 0, delivered: 0, usage: usageNow(target), handlerMs: await handlerMs() };
  for (let second = 1; second <= seconds; second++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const usage = usageNow(target);
    // A stats request can fail when the server is starved: the probe reports it and goes on.
    const counters = await target.counters().catch(() => undefined);
    const handled = await handlerMs().catch(() => last.handlerMs);
    const cpu = target.systemPids.map((pid) => {
      const used = (usage.cpu.get(pid) ?? 0) - (last.usage.cpu.get(pid) ?? 0);
      return `${pid}:${Math.round((100 * used * 1000) / (usage.wallMs - last.usage.wallMs))}%/${Math.round(peakMemoryMiB(pid) ?? 0)}M`;
    });
    console.log(
      JSON.stringify({
        t: Math.round((performance.now() - began) / 1000),
        answered: answered - last.answered,
        failed,
        delivered: receiver.delivered - last.delivered,
        dbRoundTrips: counters?.dbRoundTrips,
        // Share of the wall time the libSQL server spent answering: near 100% means the database is the queue.
        dbBusy: `${Math.round((100 * (handled - last.handlerMs)) / (usage.wallMs - last.usage.wallMs))}%`,
        queueMessages: counters?.queueMessages,
        cpu: cpu.join(" "),
        errors: target.errorLines(),
        // Open fds and TCP sockets by state of the server (and of wrangler's proxy): a leak shows here first.
        fds: [target.serverPid, ...(target.proxyPid === undefined ? [] : [target.proxyPid])]
          .map((pid) => `${pid}:${openFds(pid)}${JSON.stringify(tcpStates(pid))}`)
          .join(" "),
      }),
    );
    last = { answered, delivered: receiver.delivered, usage, handlerMs: handled };
  }
  sending = false;
  await Promise.all(loops);
  sender.close();
} finally {
  await target.stop();
  await receiver.close();
}
