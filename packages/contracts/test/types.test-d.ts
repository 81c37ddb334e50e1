// Type tests (vitest typecheck mode, and `tsc`): the inferred types callers see must match the wire; a schema change
// that widens or narrows one fails the suite. The runtime parsing behind each is in the other test files.
import { describe, expectTypeOf, it } from "vitest";
import type * as contracts from "../src";
import type { SubscriberType } from "../src";
import type { z } from "../src/zod";

describe("inferred types", () => {
  it("subscriber_type accepts the integration alias but gives only user or connection", () => {
    expectTypeOf<contracts.SubscriberType>().toEqualTypeOf<"user" | "connection">();
    expectTypeOf<z.input<typeof SubscriberType>>().toEqualTypeOf<"user" | "connection" | "integration">();
  });

  it("booleans and sort orders arrive parsed, with defaults applied", () => {
    expectTypeOf<contracts.Subscription["active"]>().toEqualTypeOf<boolean>();
    expectTypeOf<contracts.CreateSubscriptionRequest["active"]>().toEqualTypeOf<boolean>();
    expectTypeOf<contracts.SubscriptionQuery["include_subscribers"]>().toEqualTypeOf<boolean>();
    expectTypeOf<contracts.NotificationsByTypeQuery["sort"]>().toEqualTypeOf<"asc" | "desc">();
  });

  it("aliases and defaults are resolved in the parsed request", () => {
    expectTypeOf<contracts.CreateIntegrationRequest>().not.toHaveProperty("header");
    expectTypeOf<contracts.CreateNotificationTypeRequest["templates"]>().toEqualTypeOf<string[]>();
  });

  it("loose objects keep unlisted keys as unknown, and error codes stay open", () => {
    expectTypeOf<contracts.NotificationData["escalated"]>().toEqualTypeOf<unknown>();
    expectTypeOf<contracts.HeraldError["error"]>().toEqualTypeOf<string>();
  });
});
