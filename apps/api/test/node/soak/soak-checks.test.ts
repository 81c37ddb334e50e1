import { describe, expect, it } from "vitest";
import {
  checkCalls,
  checkCallsAfterDisabled,
  checkCallsAfterFinished,
  checkCallsArePaired,
  checkDuplicates,
  classifyLogLines,
  INJECTED_FAULT_LOG_LINES,
} from "./soak-checks";
import type { SentCall } from "./soak-faults";
import type { FaultKind, ReceivedCall } from "./soak-targets";

// The soak's checks on small, hand-made histories: each must pass an honest one and catch the fault it is for.

const ACCEPTING: FaultKind[] = ["ok", "slow", "reset_after_accept"];

let nextCall = 0;
/** One call of leg `msg_1`, made at `at` and received a millisecond later, with what Herald saw of it. */
function call(kind: FaultKind, at: number, seen: Partial<SentCall> = {}) {
  const callId = String(++nextCall);
  const received: ReceivedCall = {
    callId,
    webhookId: "msg_1",
    target: "alpha",
    kind,
    startedAt: at + 1,
    accepted: ACCEPTING.includes(kind),
    answered2xx: kind === "ok",
  };
  const answered = kind === "ok" ? 200 : kind === "error_500" ? 500 : undefined;
  const sent: SentCall = {
    callId,
    webhookId: "msg_1",
    handlingStartedAt: at - 5,
    issuedAt: at,
    ...(answered !== undefined ? { status: answered } : {}),
    taken: answered !== undefined,
    timedOut: kind === "slow",
    lostInCrash: false,
    ...seen,
  };
  return { received, sent };
}

function history(...calls: Array<ReturnType<typeof call>>) {
  return {
    received: calls.map((c) => c.received),
    byLeg: new Map([["msg_1", calls.map((c) => c.received)]]),
    sent: new Map(calls.map((c) => [c.sent.callId, c.sent])),
  };
}

describe("checkDuplicates", () => {
  it("accepts a second accepted call after each fault that hid the one before from Herald", () => {
    const { byLeg, sent } = history(
      call("reset_after_accept", 10),
      call("slow", 20),
      call("error_500", 30),
      call("ok", 40, { lostInCrash: true }),
      call("ok", 50, { taken: false, timedOut: true }),
      call("ok", 60, { recordLost: true }),
      call("ok", 70),
    );
    expect(checkDuplicates(byLeg, sent)).toEqual({
      explained: { reset_after_accept: 1, slow: 1, crash: 1, record_lost: 1, timeout_on_busy_loop: 1 },
      unexplained: { count: 0, examples: [] },
    });
  });

  it("catches a second call after a 2xx Herald took, as a double POST makes", () => {
    const { byLeg, sent } = history(call("ok", 10), call("ok", 11));
    expect(checkDuplicates(byLeg, sent).unexplained.count).toBe(1);
  });

  it("counts one hidden call against one duplicate only", () => {
    const { byLeg, sent } = history(call("reset_after_accept", 10), call("ok", 20), call("ok", 21));
    const report = checkDuplicates(byLeg, sent);
    expect(report.explained.reset_after_accept).toBe(1);
    expect(report.unexplained.count).toBe(1);
  });

  it("does not excuse a slow answer that Herald took in time", () => {
    const { byLeg, sent } = history(call("slow", 10, { status: 200, taken: true, timedOut: false }), call("ok", 20));
    expect(checkDuplicates(byLeg, sent).unexplained.count).toBe(1);
  });

  it("does not excuse a prompt answer Herald neither took nor timed out on", () => {
    const { byLeg, sent } = history(call("ok", 10, { taken: false }), call("ok", 20));
    expect(checkDuplicates(byLeg, sent).unexplained.count).toBe(1);
  });

  it("orders a leg's calls as the consumers made them, not as they arrived", () => {
    const hidden = call("reset_after_accept", 10);
    const again = call("ok", 20);
    again.received.startedAt = hidden.received.startedAt - 1;
    const { byLeg, sent } = history(again, hidden);
    expect(checkDuplicates(byLeg, sent).unexplained.count).toBe(0);
  });
});

describe("checkCallsAfterFinished", () => {
  it("allows a call made before the record that arrived after it, and nothing made after it", () => {
    const onTheWire = call("ok", 100);
    onTheWire.received.startedAt = 150;
    const late = call("ok", 120);
    const { byLeg, sent } = history(onTheWire, late);
    const report = checkCallsAfterFinished([{ webhookId: "msg_1", status: "DELIVRD", finishedAt: 110 }], byLeg, sent);
    expect(report.inFlight).toBe(1);
    expect(report.violations.count).toBe(1);
  });

  it("ignores legs still pending", () => {
    const { byLeg, sent } = history(call("ok", 100));
    expect(
      checkCallsAfterFinished([{ webhookId: "msg_1", status: "PENDING", finishedAt: null }], byLeg, sent).violations
        .count,
    ).toBe(0);
  });
});

describe("checkCallsAfterDisabled", () => {
  it("allows calls whose message was being handled when the disabling was committed, and no others", () => {
    const disabling = { disabledAt: 100, committedBy: 110 };
    const before = call("gone_410", 90);
    const underWay = call("gone_410", 130, { handlingStartedAt: 105 });
    const after = call("gone_410", 130, { handlingStartedAt: 111 });
    const { received, sent } = history(before, underWay, after);
    const report = checkCallsAfterDisabled(received, disabling, sent);
    expect(report.inFlight).toBe(1);
    expect(report.violations.count).toBe(1);
  });
});

describe("checkCallsArePaired", () => {
  it("catches a call without a consumer's tag, or with another leg's", () => {
    const { received, sent } = history(call("ok", 1), call("ok", 2));
    (received[0] as ReceivedCall).callId = "";
    (received[1] as ReceivedCall).webhookId = "msg_2";
    expect(checkCallsArePaired(received, sent).count).toBe(2);
  });
});

describe("classifyLogLines", () => {
  it("explains the injected faults' lines, whole, and reports any other", () => {
    const lines = [
      '{"level":"error","queue":"herald-deliveries","error":"Error: injected fault: the herald-deliveries consumer died mid-batch"}',
      '{"level":"error","queue":"herald-fanout","messages":3,"error":"Error: injected fault: sending a batch to herald-deliveries failed"}',
      '{"level":"warn","notification_id":"abc","message":"fan-out not queued; the sweeper will","error":"Error: injected fault: sending a batch to herald-fanout failed"}',
      '{"level":"error","message":"legs not queued again","error":"Error: injected fault: sending a batch to herald-deliveries failed"}',
      '{"level":"error","queue":"herald-deliveries","messages":2,"error":"Error: injected fault: the database failed the record before committing"}',
      '{"level":"error","message":"sweep failed","error":"Error: injected fault: sending a batch to herald-fanout failed"}',
      // The queue names must agree, and a real failure beside an injected one is not excused.
      '{"level":"error","queue":"herald-fanout","error":"Error: injected fault: the herald-deliveries consumer died mid-batch"}',
      '{"level":"warn","delivery_id":"d1","attempt":2,"message":"attempt recorded by another consumer"}',
      '{"level":"error","message":"sweep failed","error":"Error: SQLITE_BUSY (injected fault: sending a batch to herald-fanout failed)"}',
    ];
    const report = classifyLogLines(lines, INJECTED_FAULT_LOG_LINES);
    expect(Object.values(report.expected)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(report.unexpected.count).toBe(3);
  });
});

describe("checkCalls", () => {
  // A double POST after the leg was recorded DELIVRD at 15, and a log line no injected fault explains.
  const run = () => {
    const { received, byLeg, sent } = history(call("ok", 10), call("ok", 20));
    const legs = [{ webhookId: "msg_1", status: "DELIVRD", finishedAt: 15 }];
    return { received, sent, callsByLeg: byLeg, legs, logLines: ["an unexplained line"] };
  };

  it("runs every check on one history, the log lines against the injected faults'", () => {
    const found = checkCalls(run());
    expect(found.unpaired.count).toBe(0);
    expect(found.duplicates.unexplained.count).toBe(1);
    expect(found.afterFinished.violations.count).toBe(1);
    expect(found.afterDisabled).toBeUndefined();
    expect(found.logReport.unexpected).toEqual({ count: 1, examples: ["an unexplained line"] });
  });

  it("checks the calls to a disabled integration when one was disabled", () => {
    const history = run();
    const disabled = { calls: history.received, disabling: { disabledAt: 15, committedBy: 12 } };
    expect(checkCalls({ ...history, disabled }).afterDisabled?.violations.count).toBe(1);
  });
});
