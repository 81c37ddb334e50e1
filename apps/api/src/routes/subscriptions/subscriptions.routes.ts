import {
  AccountIdParam,
  AddSubscriberRequest,
  BatchDeleteSubscriptionsRequest,
  BatchUpdateSubscribersRequest,
  CreateSubscriptionRequest,
  FailedSubscribers,
  HeraldError,
  PartialDeletionResponse,
  Subscriber,
  SubscriberList,
  SubscriberParam,
  Subscription,
  SubscriptionIdParam,
  SubscriptionList,
  SubscriptionQuery,
  SubscriptionsQuery,
  UpdateSubscriptionRequest,
} from "@herald/contracts";
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonContent, SECURITY } from "../../lib/openapi";

const tags = ["Subscriptions"];
const subscriberTags = ["Subscribers"];

const noContent = { description: "Done" };

export const getAccountSubscriptions = createRoute({
  operationId: "get_account_subscriptions",
  method: "get",
  path: "/{account_id}/subscriptions",
  tags,
  summary: "List subscriptions for an account",
  security: SECURITY,
  request: { params: AccountIdParam, query: SubscriptionsQuery },
  responses: { 200: jsonContent(SubscriptionList, "The account's subscriptions"), ...errorResponses(400, 403) },
});

export const createSubscription = createRoute({
  operationId: "create_subscription",
  method: "post",
  path: "/{account_id}/subscriptions",
  tags,
  summary: "Create new subscription for an account",
  description:
    "Subscribers that cannot be added (e.g. a connection that is not an integration of the account) are listed in `subscribers_failed`; the others are added.",
  security: SECURITY,
  request: { params: AccountIdParam, body: jsonBody(CreateSubscriptionRequest) },
  responses: {
    201: jsonContent(Subscription, "Created"),
    400: jsonContent(z.union([HeraldError, FailedSubscribers]), "Invalid request"),
    ...errorResponses(403, 413, 415),
  },
});

export const batchDeleteSubscriptions = createRoute({
  operationId: "batch_delete_subscriptions",
  method: "post",
  path: "/{account_id}/subscriptions/batch/delete",
  tags,
  summary: "Delete multiple subscriptions in a batch",
  security: SECURITY,
  request: { params: AccountIdParam, body: jsonBody(BatchDeleteSubscriptionsRequest) },
  responses: {
    204: noContent,
    400: jsonContent(z.union([HeraldError, PartialDeletionResponse]), "Invalid request, or some ids were not deleted"),
    ...errorResponses(403, 413, 415),
  },
});

export const getAccountSubscription = createRoute({
  operationId: "get_account_subscription",
  method: "get",
  path: "/{account_id}/subscriptions/{subscription_id}",
  tags,
  summary: "List subscriptions for an account by subscription id",
  security: SECURITY,
  request: { params: SubscriptionIdParam, query: SubscriptionQuery },
  responses: { 200: jsonContent(Subscription, "The subscription"), ...errorResponses(400, 403, 404) },
});

export const updateSubscription = createRoute({
  operationId: "update_subscription",
  method: "post",
  path: "/{account_id}/subscriptions/{subscription_id}",
  tags,
  summary: "Update subscription for an account",
  description: "A partial update: only the properties sent change.",
  security: SECURITY,
  request: { params: SubscriptionIdParam, body: jsonBody(UpdateSubscriptionRequest) },
  responses: { 200: jsonContent(Subscription, "Updated"), ...errorResponses(400, 403, 404, 413, 415) },
});

export const deleteSubscription = createRoute({
  operationId: "delete_subscription",
  method: "delete",
  path: "/{account_id}/subscriptions/{subscription_id}",
  tags,
  summary: "Delete subscription from an account",
  security: SECURITY,
  request: { params: SubscriptionIdParam },
  responses: { 204: noContent, ...errorResponses(403, 404) },
});

export const getAccountSubscriptionSubscribers = createRoute({
  operationId: "get_account_subscription_subscribers",
  method: "get",
  path: "/{account_id}/subscriptions/{subscription_id}/subscribers",
  tags: subscriberTags,
  summary: "List subscribers",
  security: SECURITY,
  request: { params: SubscriptionIdParam },
  responses: { 200: jsonContent(SubscriberList, "The subscription's subscribers"), ...errorResponses(403, 404) },
});

export const addSubscriber = createRoute({
  operationId: "add_subscriber",
  method: "post",
  path: "/{account_id}/subscriptions/{subscription_id}/subscribers",
  tags: subscriberTags,
  summary: "Add subscriber to a subscription",
  security: SECURITY,
  request: { params: SubscriptionIdParam, body: jsonBody(AddSubscriberRequest) },
  responses: { 201: jsonContent(Subscriber, "Added"), ...errorResponses(400, 403, 404, 409, 413, 415) },
});

export const batchUpdateSubscribers = createRoute({
  operationId: "batch_update_subscribers",
  method: "post",
  path: "/{account_id}/subscriptions/{subscription_id}/subscribers/batch/update",
  tags: subscriberTags,
  summary: "Update subscribers to a subscription in a batch",
  description:
    "All changes apply, or none: when a subscriber is rejected, `subscribers_failed` lists every rejection and nothing changes.",
  security: SECURITY,
  request: { params: SubscriptionIdParam, body: jsonBody(BatchUpdateSubscribersRequest) },
  responses: {
    204: noContent,
    400: jsonContent(z.union([HeraldError, FailedSubscribers]), "Invalid request, or rejected subscribers"),
    ...errorResponses(403, 404, 413, 415),
  },
});

export const removeSubscriber = createRoute({
  operationId: "remove_subscriber",
  method: "delete",
  path: "/{account_id}/subscriptions/{subscription_id}/subscribers/{subscriber_type}/{subscriber}",
  tags: subscriberTags,
  summary: "Remove a subscriber from a subscription",
  security: SECURITY,
  request: { params: SubscriberParam },
  responses: { 204: noContent, ...errorResponses(400, 403, 404) },
});
