// Fan-out's decisions, recorded as of the moment it ran so "why was this not delivered?" has an answer later: for every
// subscription of the account to the notification's type, what fan-out did and why, in the compact form
// fanout_decisions stores (see FanoutDecisionRecord).
import type {
  DeliveryChannel,
  FanoutBatch,
  FanoutDecisionRecord,
  FanoutDecisions,
  FanoutDestinationRecord,
  FilterMissRecord,
  SubscriptionRow,
  SuppressionHolder,
} from "@herald/db";
import type { FilterMiss } from "./filters";

/** Longest JSON text of a compared value kept as the value itself; a longer one is kept cut, as text. */
const MAX_VALUE_JSON = 256;

function compactValue(value: unknown): unknown {
  const json = JSON.stringify(value);
  return json.length <= MAX_VALUE_JSON ? value : `${json.slice(0, MAX_VALUE_JSON)}…`;
}

function compactMiss(miss: FilterMiss): FilterMissRecord {
  return {
    p: miss.clause,
    o: miss.operator,
    ...(miss.leftSource !== undefined ? { ls: miss.leftSource } : {}),
    ...(miss.rightSource !== undefined ? { rs: miss.rightSource } : {}),
    ...(miss.left !== undefined ? { l: compactValue(miss.left) } : {}),
    ...(miss.right !== undefined ? { r: compactValue(miss.right) } : {}),
    ...(miss.negated ? { neg: 1 as const } : {}),
  };
}

/** Collects one fan-out batch's decisions, notification by notification. */
export class FanoutDecisionLog {
  private readonly decisions = new Map<string, FanoutDecisionRecord[]>();
  private readonly integrations: Map<string, FanoutBatch["integrations"][number]>;
  private readonly emails: Map<string, string | null>;

  /** Each subscription's place, oldest first, active or not: the order the decisions are kept in. */
  private readonly order: Map<string, number>;

  constructor(batch: Pick<FanoutBatch, "subscriptions" | "inactiveSubscriptions" | "integrations" | "users">) {
    this.integrations = new Map(batch.integrations.map((row) => [row.id, row]));
    this.emails = new Map(batch.users.map((row) => [row.id, row.email]));
    const all = [...batch.subscriptions, ...batch.inactiveSubscriptions].sort(
      (a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    this.order = new Map(all.map((row, index) => [row.id, index]));
  }

  private add(notificationId: string, decision: FanoutDecisionRecord): void {
    const list = this.decisions.get(notificationId);
    if (list) list.push(decision);
    else this.decisions.set(notificationId, [decision]);
  }

  inactive(notificationId: string, subscription: SubscriptionRow): void {
    this.add(notificationId, { s: subscription.id, d: "inactive" });
  }

  filtered(notificationId: string, subscription: SubscriptionRow, misses: FilterMiss[]): void {
    this.add(notificationId, { s: subscription.id, d: "filtered", f: misses.map(compactMiss) });
  }

  /** Suppressed by the window's holder, until the window it opened closes. */
  suppressed(notificationId: string, subscription: SubscriptionRow, holder: SuppressionHolder, windowMs: number): void {
    this.add(notificationId, {
      s: subscription.id,
      d: "suppressed",
      by: holder.notificationId,
      until: holder.notifiedAt + windowMs,
    });
  }

  /**
   * A subscription that matched: `reached` lists its subscribers' destinations, each with the older subscription
   * whose leg reaches it already (`dupOf`), or none when this subscription's leg does.
   */
  matched(
    notificationId: string,
    subscription: SubscriptionRow,
    reached: { channel: DeliveryChannel; id: string; dupOf?: string }[],
  ): void {
    const to = reached.map(({ channel, id, dupOf }) => this.destination(channel, id, dupOf));
    const decision =
      to.length === 0 ? "no_subscribers" : to.every((d) => d.dup !== undefined) ? "deduplicated" : "delivered";
    // A plain destination of this subscription's own leg says nothing the leg (subscription_id, channel, destination)
    // does not: only the others are kept, which halves a typical record.
    this.add(notificationId, { s: subscription.id, d: decision, to: to.filter((d) => Object.keys(d).length > 2) });
  }

  private destination(channel: DeliveryChannel, id: string, dupOf?: string): FanoutDestinationRecord {
    const record: FanoutDestinationRecord = { c: channel, id, ...(dupOf !== undefined ? { dup: dupOf } : {}) };
    if (channel === "webhook") {
      const integration = this.integrations.get(id);
      if (integration === undefined) return { ...record, gone: 1 };
      return {
        ...record,
        ...(integration.disabledAt !== null ? { off: integration.disabledAt } : {}),
        ...(integration.disabledAt !== null && integration.disabledReason !== null
          ? { why: integration.disabledReason }
          : {}),
        ...(integration.pausedAt !== null ? { pause: integration.pausedAt } : {}),
      };
    }
    if (!this.emails.has(id)) return { ...record, gone: 1 };
    const email = this.emails.get(id);
    return email === null || email === undefined || email === "" ? { ...record, noEmail: 1 } : record;
  }

  /** The decisions to write, for the notifications fan-out handled. */
  records(notifications: readonly { id: string; accountId: string }[]): FanoutDecisions[] {
    return notifications.map((n) => ({
      notificationId: n.id,
      accountId: n.accountId,
      decisions: (this.decisions.get(n.id) ?? []).sort(
        (a, b) => (this.order.get(a.s) ?? 0) - (this.order.get(b.s) ?? 0),
      ),
    }));
  }
}
