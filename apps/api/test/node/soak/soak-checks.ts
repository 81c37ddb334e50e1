// The fault soak's invariants about calls (soak.test.ts), as pure functions over what the receiver saw (ReceivedCall),
// what the consumers did (SentCall) and what Herald recorded (legs): no duplicate that an injected fault does not
// explain, no call after a leg was finished or its integration disabled unless it was already under way, and no log
// line the injected faults do not explain.
import type { SentCall } from "./soak-faults";
import type { ReceivedCall } from "./soak-targets";

/** Examples kept per violated invariant: enough to debug, short enough to read. */
const EXAMPLES = 20;

/** A list of violations: how many, and the first few described. */
export interface Violations {
  count: number;
  examples: string[];
}

function violations(): Violations & { add(text: string): void } {
  const found: Violations = { count: 0, examples: [] };
  return Object.assign(found, {
    add(text: string) {
      found.count += 1;
      if (found.examples.length < EXAMPLES) found.examples.push(text);
    },
  });
}

const plain = ({ count, examples }: Violations): Violations => ({ count, examples });

/** Every call the receiver saw was made, and tagged, by a queue consumer: the other checks rely on the pairing. */
export function checkCallsArePaired(calls: ReceivedCall[], sent: Map<string, SentCall>): Violations {
  const found = violations();
  for (const call of calls) {
    const made = sent.get(call.callId);
    if (!made)
      found.add(`${call.webhookId}: a ${call.kind} call no consumer made (tag ${JSON.stringify(call.callId)})`);
    else if (made.webhookId !== call.webhookId) found.add(`call ${call.callId} was made for ${made.webhookId}`);
  }
  return plain(found);
}

/**
 * Why an accepted call stayed hidden from Herald, which then called again: the receiver reset the connection after
 * taking the event in, or answered past the timeout (`slow`); the consumer died before recording the answer, or the
 * database failed its record before committing (`record_lost`); or, on a
 * machine busy enough to stall Herald's event loop past WEBHOOK_TIMEOUT_MS, Herald's timer fired before it read an
 * answer that came in time (`timeout_on_busy_loop`, seen on the call's own abort signal, not assumed).
 */
export type HidingFault = "reset_after_accept" | "slow" | "crash" | "record_lost" | "timeout_on_busy_loop";

export function hidingFault(call: ReceivedCall, made: SentCall | undefined): HidingFault | undefined {
  if (call.kind === "reset_after_accept") return "reset_after_accept";
  if (made?.lostInCrash) return "crash";
  if (made?.recordLost) return "record_lost";
  const status = made?.taken ? made.status : undefined;
  if (status !== undefined && status >= 200 && status < 300) return undefined;
  if (call.kind === "slow") return "slow";
  if (made?.timedOut) return "timeout_on_busy_loop";
  return undefined;
}

export interface DuplicateReport {
  /** Accepted calls beyond a leg's first, by the fault that hid the accepted call before each. */
  explained: Record<HidingFault, number>;
  unexplained: Violations;
}

/**
 * Per leg, in the order the consumers made the calls: each accepted call after the first must follow an accepted call
 * that a fault hid from Herald (see HidingFault). One hidden call explains one more call, no more; so a target that
 * took an event and answered 2xx in time never sees it again.
 */
export function checkDuplicates(callsByLeg: Map<string, ReceivedCall[]>, sent: Map<string, SentCall>): DuplicateReport {
  const explained: Record<HidingFault, number> = {
    reset_after_accept: 0,
    slow: 0,
    crash: 0,
    record_lost: 0,
    timeout_on_busy_loop: 0,
  };
  const unexplained = violations();
  for (const [webhookId, calls] of callsByLeg) {
    const accepted = calls.filter((call) => call.accepted).sort(byIssue(sent));
    for (let i = 1; i < accepted.length; i++) {
      const before = accepted[i - 1] as ReceivedCall;
      const fault = hidingFault(before, sent.get(before.callId));
      if (fault) explained[fault] += 1;
      else {
        const made = sent.get(before.callId);
        unexplained.add(
          `${webhookId}: accepted call ${i + 1} of ${accepted.length} follows a ${before.kind} call that Herald ` +
            `${made?.taken ? `took (HTTP ${made.status})` : "made, did not take, and did not time out on,"} ` +
            "with no fault to hide it " +
            `(kinds in order: ${[...calls].sort(byIssue(sent)).map((call) => call.kind)})`,
        );
      }
    }
  }
  return { explained, unexplained: plain(unexplained) };
}

function byIssue(sent: Map<string, SentCall>) {
  const issuedAt = (call: ReceivedCall) => sent.get(call.callId)?.issuedAt ?? call.startedAt;
  return (a: ReceivedCall, b: ReceivedCall) => issuedAt(a) - issuedAt(b) || Number(a.callId) - Number(b.callId);
}

/** A leg as Herald recorded it at the end: finished (DELIVRD or FAILED) when `finishedAt` is set. */
export interface FinishedLeg {
  webhookId: string;
  status: string;
  /** delivered_at for DELIVRD; modified_at for FAILED (what finished it is its last write). */
  finishedAt: number | null;
}

export interface LateCallReport {
  /** Calls that reached the receiver after the moment, but were made before it. */
  inFlight: number;
  violations: Violations;
}

/**
 * No call starts at the receiver after its leg was recorded finished, unless a consumer made it before that record
 * (it was on the wire). Both clocks are this machine's, and a call reaches the receiver only after it was made, so a
 * call made after the record is a call Herald should not have made: no tolerance is needed.
 */
export function checkCallsAfterFinished(
  legs: FinishedLeg[],
  callsByLeg: Map<string, ReceivedCall[]>,
  sent: Map<string, SentCall>,
): LateCallReport {
  let inFlight = 0;
  const found = violations();
  for (const leg of legs) {
    if (leg.finishedAt === null) continue;
    const finishedAt = leg.finishedAt;
    for (const call of callsByLeg.get(leg.webhookId) ?? []) {
      if (call.startedAt <= finishedAt) continue;
      const made = sent.get(call.callId);
      if (made && made.issuedAt <= finishedAt) inFlight += 1;
      else {
        found.add(
          `${leg.webhookId}: a ${call.kind} call started ${call.startedAt - finishedAt} ms after the leg was recorded ` +
            `${leg.status}` +
            (made ? `, made ${made.issuedAt - finishedAt} ms after it` : ""),
        );
      }
    }
  }
  return { inFlight, violations: plain(found) };
}

/** When an integration was disabled, as two bounds on the moment its disabling was committed. */
export interface Disabling {
  /** The `now` of the attempt whose answer disabled it (its disabled_at): before the commit. */
  disabledAt: number;
  /** When that attempt's consumer was done with its message: after the commit. */
  committedBy: number;
}

/**
 * No call to a disabled integration starts at the receiver after it was disabled, unless the consumer that made it
 * was already handling its message when the disabling was committed: it may have read the integration still enabled.
 * A consumer that began its message later read the integration disabled and must not call.
 */
export function checkCallsAfterDisabled(
  calls: ReceivedCall[],
  disabling: Disabling,
  sent: Map<string, SentCall>,
): LateCallReport {
  let inFlight = 0;
  const found = violations();
  for (const call of calls) {
    if (call.startedAt <= disabling.disabledAt) continue;
    const made = sent.get(call.callId);
    if (made && made.handlingStartedAt <= disabling.committedBy) inFlight += 1;
    else {
      found.add(
        `${call.webhookId}: a ${call.kind} call started ${call.startedAt - disabling.disabledAt} ms after the ` +
          `integration was disabled` +
          (made ? `; its consumer began the message ${made.handlingStartedAt - disabling.committedBy} ms after` : ""),
      );
    }
  }
  return { inFlight, violations: plain(found) };
}

/** One soak run's history: the calls the receiver saw and the consumers made, Herald's legs, and the log lines. */
export interface CallHistory {
  received: ReceivedCall[];
  sent: Map<string, SentCall>;
  callsByLeg: Map<string, ReceivedCall[]>;
  legs: FinishedLeg[];
  /** The calls to the integration that was disabled, and when; absent when none was. */
  disabled?: { calls: ReceivedCall[]; disabling: Disabling };
  logLines: string[];
}

/** Every check above on one run's history, the log lines against the ones the injected faults explain. */
export function checkCalls(history: CallHistory) {
  const { received, sent, callsByLeg, disabled } = history;
  return {
    unpaired: checkCallsArePaired(received, sent),
    duplicates: checkDuplicates(callsByLeg, sent),
    afterFinished: checkCallsAfterFinished(history.legs, callsByLeg, sent),
    afterDisabled: disabled && checkCallsAfterDisabled(disabled.calls, disabled.disabling, sent),
    logReport: classifyLogLines(history.logLines, INJECTED_FAULT_LOG_LINES),
  };
}

/** A log line an injected fault explains, and why. */
export interface ExpectedLogLine {
  reason: string;
  pattern: RegExp;
}

export interface LogReport {
  expected: Record<string, number>;
  unexpected: Violations;
}

/** Sorts log lines into the expected ones (by reason; each line must match a whole pattern) and the rest. */
export function classifyLogLines(lines: string[], allowed: ExpectedLogLine[]): LogReport {
  const expected: Record<string, number> = {};
  const unexpected = violations();
  for (const line of lines) {
    const match = allowed.find(({ pattern }) => pattern.test(line));
    if (match) expected[match.reason] = (expected[match.reason] ?? 0) + 1;
    else unexpected.add(line.slice(0, 500));
  }
  return { expected, unexpected: plain(unexpected) };
}

const queueName = "herald-(?:fanout|deliveries)";

/**
 * The log lines the soak's injected faults explain, matched whole. Anything else (a lease outlived, an attempt
 * recorded by another consumer, an unreadable message, a failure of Herald's own) is unexpected.
 */
export const INJECTED_FAULT_LOG_LINES: ExpectedLogLine[] = [
  {
    reason: "a consumer died mid-batch; the queue logs the batch's error and redelivers it",
    pattern: new RegExp(
      `^\\{"level":"error","queue":"(${queueName})","error":"Error: injected fault: the \\1 consumer died mid-batch"\\}$`,
    ),
  },
  {
    reason: "the fan-out consumer could not queue its notifications' legs; it retries the batch's messages",
    pattern: new RegExp(
      `^\\{"level":"error","queue":"herald-fanout","messages":\\d+,` +
        `"error":"Error: injected fault: sending a batch to herald-deliveries failed"\\}$`,
    ),
  },
  {
    reason: "the delivery consumer could not queue waiting legs again; it hands their messages back instead",
    pattern:
      /^\{"level":"error","message":"legs not queued again","error":"Error: injected fault: sending a batch to herald-deliveries failed"\}$/,
  },
  {
    reason: "the database failed a batch's record (before or after committing); the consumer retries the batch",
    pattern: new RegExp(
      `^\\{"level":"error","queue":"herald-deliveries","messages":\\d+,"error":"[^"]*injected fault: the database ` +
        `(failed the record before committing|connection died after the record committed)[^"]*"\\}$`,
    ),
  },
  {
    reason: "a consumer could not queue the operational events it recorded; the sweeper will",
    pattern:
      /^\{"level":"error","message":"operational events not queued","error":"Error: injected fault: sending a batch to herald-fanout failed"\}$/,
  },
  {
    reason: "the API could not queue a notification's fan-out; the sweeper will",
    pattern: new RegExp(
      `^\\{"level":"warn","notification_id":"[^"]+","message":"fan-out not queued; the sweeper will",` +
        `"error":"Error: injected fault: sending a batch to herald-fanout failed"\\}$`,
    ),
  },
  {
    reason: "the sweeper could not re-queue stalled work; its next run will",
    pattern: new RegExp(
      `^\\{"level":"error","message":"sweep failed","error":"Error: injected fault: sending a batch to ${queueName} failed"\\}$`,
    ),
  },
];
