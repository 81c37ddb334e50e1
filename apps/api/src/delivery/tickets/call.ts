// One ticketing call for one notification: follow up on the ticket its incident has, or open one; a follow-up answered
// 404 (the ticket was deleted) opens a new one in the same attempt, which then replaces the deleted one's link.
//
// Links are read in the batch's claim round trip, which also reserves the opening of each new incident's ticket for
// this batch, so of consumers running side by side one opens it and the others' legs wait for it; links are written
// in the record round trip (deliver-batch.ts, ticket_links). A consumer that dies between a vendor's 201 and that
// record leaves a ticket without a link: its reservation and its leg's lease run out, the leg is attempted again, and
// a second ticket opens. Queues deliver at least once, so this duplicate is allowed; Jira issues carry the label
// `herald-<incident key>` and ServiceNow incidents the `correlation_id` `herald-<incident key>`, to find both.
import type { TicketLinkWrite } from "@herald/db";
import { ticketIncidentKey } from "@herald/db";
import type { Services } from "../../env";
import type { NotificationView, RenderOptions } from "../channels/message";
import { callWebhook, type WebhookCallResult } from "../webhook";
import { classifyTicketAnswer, openedTicket } from "./outcomes";
import { followUpRequest, openTicketRequest, type TicketingRow, type TicketRef, type TicketRequest } from "./render";

export interface TicketCall {
  body: string;
  result: WebhookCallResult;
  /** The ticket this call opened, and the deleted one it replaces. */
  opened?: { ticket: TicketRef; replaces?: string };
}

/** One call to the vendor; `ticket` is the incident's ticket when it has one. */
export async function callTicketing(
  services: Services,
  integration: TicketingRow,
  message: { view: NotificationView; options: RenderOptions },
  ticket: TicketRef | undefined,
): Promise<TicketCall> {
  const { view, options } = message;
  const incidentKey = ticketIncidentKey(view.payload);
  const send = (request: TicketRequest) =>
    callWebhook({ ...request, timeoutMs: services.delivery.webhookTimeoutMs }, services.targetFetch, (answer, now) =>
      classifyTicketAnswer(integration.type, answer, now),
    );
  const open = async (replaces?: string): Promise<TicketCall> => {
    const request = openTicketRequest(integration, view, options, incidentKey);
    const result = await send(request);
    const opened =
      result.outcome.kind === "delivered" ? openedTicket(integration.type, result.responseBody ?? "") : undefined;
    return {
      body: request.body,
      result,
      ...(opened ? { opened: { ticket: opened, ...(replaces === undefined ? {} : { replaces }) } } : {}),
    };
  };
  if (!ticket) return open();
  const request = followUpRequest(integration, view, options, ticket);
  const result = await send(request);
  if (result.responseCode === 404) return open(ticket.key);
  return { body: request.body, result };
}

/**
 * The tickets of a batch's incidents: what the claim read (links, and reservations: this batch's own, which it may
 * open, and other batches', whose legs wait), and what the batch's calls open. Calls about one incident of one
 * integration run one after another, so the second notification of a new incident in a batch comments on the issue
 * the first opened instead of opening another. `writes` is what to link in the record round trip.
 */
export class TicketBook {
  private readonly known = new Map<string, TicketRef>();
  private readonly openedElsewhere = new Set<string>();
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly pending = new Map<string, TicketLinkWrite>();

  constructor(
    links: ReadonlyMap<string, { ticketKey: string; ticketId: string; openingBy: string | null }> = new Map(),
    readonly batch = "",
  ) {
    for (const [slot, link] of links) {
      if (link.ticketKey !== "") this.known.set(slot, { key: link.ticketKey, id: link.ticketId });
      else if (link.openingBy !== batch) this.openedElsewhere.add(slot);
    }
  }

  /** Whether another batch is opening this incident's ticket right now: the leg waits for it rather than open one. */
  waits(integrationId: string, payload: Record<string, unknown>): boolean {
    const incidentKey = ticketIncidentKey(payload);
    return incidentKey !== undefined && this.openedElsewhere.has(`${integrationId}/${incidentKey}`);
  }

  get writes(): TicketLinkWrite[] {
    return [...this.pending.values()];
  }

  run(
    integration: TicketingRow,
    payload: Record<string, unknown>,
    call: (ticket: TicketRef | undefined) => Promise<TicketCall>,
  ): Promise<TicketCall> {
    const incidentKey = ticketIncidentKey(payload);
    // A notification about no incident opens a ticket of its own.
    if (incidentKey === undefined) return call(undefined);
    const slot = `${integration.id}/${incidentKey}`;
    const next = (this.chains.get(slot) ?? Promise.resolve()).then(async () => {
      const made = await call(this.known.get(slot));
      if (made.opened) this.opened(integration, incidentKey, slot, made.opened);
      return made;
    });
    this.chains.set(
      slot,
      next.catch(() => undefined),
    );
    return next;
  }

  private opened(
    integration: TicketingRow,
    incidentKey: string,
    slot: string,
    opened: NonNullable<TicketCall["opened"]>,
  ) {
    this.known.set(slot, opened.ticket);
    const earlier = this.pending.get(slot);
    // Opened twice in one batch (the first deleted meanwhile): one write, replacing what the batch began with.
    this.pending.set(slot, {
      accountId: integration.accountId,
      integrationId: integration.id,
      incidentKey,
      ticketKey: opened.ticket.key,
      ticketId: opened.ticket.id,
      replaces: earlier ? earlier.replaces : opened.replaces,
    });
  }
}
