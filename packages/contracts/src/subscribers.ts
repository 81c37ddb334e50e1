import { AccountIdParam, Actor, Id, pathParam } from "./common";
import { z } from "./zod";

/**
 * Who receives a subscription's notifications. `integration` is the legacy name of `connection`: still accepted
 * (older console builds and stored data use it) and normalised to `connection`.
 */
export const SubscriberType = z
  .enum(["user", "connection", "integration"])
  .transform((type): "user" | "connection" => (type === "integration" ? "connection" : type))
  .openapi("Subscriber-Type", {
    description:
      "`user`: an AIMS user id, notified by email. `connection`: a connection (integration) id. " +
      "`integration` is a deprecated alias of `connection`; the server stores and returns `connection`.",
    example: "user",
  });
export type SubscriberType = z.infer<typeof SubscriberType>;

const subscriberField = z.string().min(1).openapi({
  description: "AIMS user id, or connection id.",
  example: "CD1D0C0A-7D83-469C-A752-C23FBD2BDA46",
});

export const SubscriberRequest = z
  .object({ subscriber: subscriberField, subscriber_type: SubscriberType })
  .openapi("Subscriber-Request", {
    example: { subscriber: "E4F32E01-DE26-4FE2-83DA-DADA3F76E2E2", subscriber_type: "user" },
  });
export type SubscriberRequest = z.infer<typeof SubscriberRequest>;

/** Body of add_subscriber. The extra fields repeat path parameters; Alert Logic's definition requires them. */
export const AddSubscriberRequest = SubscriberRequest.extend({
  subscription_id: z.string().optional().openapi({ description: "Ignored: the path decides." }),
  account_id: z
    .union([z.string(), z.number()])
    .optional()
    .openapi({ description: "Ignored: the path decides. Alert Logic's own example sends a number." }),
}).openapi("Subscriber-Request-Extra", {
  example: {
    subscriber: "82FB03F2-3FEC-411B-82A2-904F68BFCC74",
    subscriber_type: "connection",
    account_id: "134047511",
    subscription_id: "2306AD6F-EC8F-40B4-AC86-7C5D4FFC1597",
  },
});
export type AddSubscriberRequest = z.infer<typeof AddSubscriberRequest>;

export const Subscriber = z
  .object({
    id: z.string(),
    subscriber: z.string(),
    subscriber_type: z.string().openapi({
      description: "`user` or `connection`; typed as a string so clients tolerate types added later.",
      example: "user",
    }),
    subscription_id: z.string(),
    created: Actor.optional(),
  })
  .openapi("Subscriber", {
    example: {
      id: "0C6A6E4E-2B46-4E8A-9B7E-7D5E7F1C2A10",
      subscriber: "973A254F-DC21-4859-94CC-B6A689277858",
      subscriber_type: "user",
      subscription_id: "95470F2D-59AA-485F-AE4B-A844D81A53C6",
      created: { at: 1579788887, by: "70A833AD-184F-4A45-A82B-46F5BA329D4B" },
    },
  });
export type Subscriber = z.infer<typeof Subscriber>;

export const SubscriberList = z.object({ subscribers: z.array(Subscriber) }).openapi("Subscriber-List");
export type SubscriberList = z.infer<typeof SubscriberList>;

export const SubscriberBatchAction = z.enum(["add", "delete"]).openapi("Subscriber-Batch-Action", { example: "add" });
export type SubscriberBatchAction = z.infer<typeof SubscriberBatchAction>;

export const SubscriberBatchItem = SubscriberRequest.extend({ action: SubscriberBatchAction }).openapi(
  "Subscriber-Batch-Item",
  { example: { subscriber: "7DF5B263-3A50-40E3-9950-D52277C3AF1B", subscriber_type: "connection", action: "add" } },
);
export type SubscriberBatchItem = z.infer<typeof SubscriberBatchItem>;

export const BatchUpdateSubscribersRequest = z
  .object({ subscribers: z.array(SubscriberBatchItem).min(1).max(1000) })
  .openapi("Batch-Update-Subscribers-Request", {
    description: "Adds and removes subscribers in one call (1 to 1000 items).",
  });
export type BatchUpdateSubscribersRequest = z.infer<typeof BatchUpdateSubscribersRequest>;

export const SubscriberParam = AccountIdParam.extend({
  subscription_id: pathParam("subscription_id", Id, "Subscription id."),
  subscriber_type: pathParam("subscriber_type", SubscriberType, "`user` or `connection` (`integration` is an alias)."),
  subscriber: pathParam("subscriber", subscriberField, "AIMS user id, or connection id."),
});
export type SubscriberParam = z.infer<typeof SubscriberParam>;
