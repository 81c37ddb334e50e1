import * as subscribers from "../../services/subscribers";
import * as subscriptions from "../../services/subscriptions";
import { createRouter, serviceContext as ctx } from "../router";
import * as routes from "./subscriptions.routes";

export const subscriptionsRouter = createRouter()
  .openapi(routes.getAccountSubscriptions, async (c) => {
    const { account_id } = c.req.valid("param");
    return c.json(await subscriptions.listSubscriptions(ctx(c), account_id, c.req.valid("query")), 200);
  })
  .openapi(routes.createSubscription, async (c) => {
    const { account_id } = c.req.valid("param");
    return c.json(await subscriptions.createSubscription(ctx(c), account_id, c.req.valid("json")), 201);
  })
  .openapi(routes.batchDeleteSubscriptions, async (c) => {
    const { account_id } = c.req.valid("param");
    await subscriptions.batchDeleteSubscriptions(ctx(c), account_id, c.req.valid("json"));
    return c.body(null, 204);
  })
  .openapi(routes.getAccountSubscription, async (c) => {
    const { account_id, subscription_id } = c.req.valid("param");
    const { include_subscribers } = c.req.valid("query");
    return c.json(await subscriptions.getSubscription(ctx(c), account_id, subscription_id, include_subscribers), 200);
  })
  .openapi(routes.updateSubscription, async (c) => {
    const { account_id, subscription_id } = c.req.valid("param");
    return c.json(
      await subscriptions.updateSubscription(ctx(c), account_id, subscription_id, c.req.valid("json")),
      200,
    );
  })
  .openapi(routes.deleteSubscription, async (c) => {
    const { account_id, subscription_id } = c.req.valid("param");
    await subscriptions.deleteSubscription(ctx(c), account_id, subscription_id);
    return c.body(null, 204);
  })
  .openapi(routes.getAccountSubscriptionSubscribers, async (c) => {
    const { account_id, subscription_id } = c.req.valid("param");
    return c.json(await subscribers.listSubscriptionSubscribers(ctx(c), account_id, subscription_id), 200);
  })
  .openapi(routes.addSubscriber, async (c) => {
    const { account_id, subscription_id } = c.req.valid("param");
    return c.json(await subscribers.addSubscriber(ctx(c), account_id, subscription_id, c.req.valid("json")), 201);
  })
  .openapi(routes.batchUpdateSubscribers, async (c) => {
    const { account_id, subscription_id } = c.req.valid("param");
    await subscribers.batchUpdateSubscribers(ctx(c), account_id, subscription_id, c.req.valid("json"));
    return c.body(null, 204);
  })
  .openapi(routes.removeSubscriber, async (c) => {
    const { account_id, subscription_id, subscriber_type, subscriber } = c.req.valid("param");
    await subscribers.removeSubscriber(ctx(c), account_id, subscription_id, { subscriber, subscriber_type });
    return c.body(null, 204);
  });
