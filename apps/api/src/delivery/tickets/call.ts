// One ticketing call for one notification: follow up on the ticket its incident has, or open one; a follow-up answered
// 404 (the ticket was deleted) opens a new one in the same attempt, which then replaces the deleted one's link.
//
// Links are read in the batch's claim and written in its record round trip (deliver-batch.ts). A consumer that dies
// between a vendor's 201 and that record leaves a ticket without a link: the leg's lease runs out, it is attempted
// again, and a second ticket opens. Queues deliver at least once, so this duplicate is allowed; Jira issues carry the
// label `herald-<incident key>` and ServiceNow incidents `correlation_id` `herald-<incident key>`, so both can be found.
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
 * The tickets of a batch's incidents: what the claim read, and what the batch's calls open. Calls about one incident of
 * one integration run one after another, so the second notification of a new incident in a batch comments on the
 * issue the first opened instead of opening another. `writes` is what to link in the record round trip.
 */
export class TicketBook {
  private readonly known = new Map<string, TicketRef>();
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly pending = new Map<string, TicketLinkWrite>();

  constructor(links: ReadonlyMap<string, { ticketKey: string; ticketId: string }> = new Map()) {
    for (const [slot, link] of links) this.known.set(slot, { key: link.ticketKey, id: link.ticketId });
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
