import { describe, expect, it } from "vitest";
import { maskRequestHeaders } from "../../src/security/integration-secrets";

describe("maskRequestHeaders", () => {
  it("keeps each signature's scheme and masks what it signed", () => {
    expect(maskRequestHeaders({ "webhook-signature": "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=" })).toEqual({
      "webhook-signature": "v1,****",
    });
    // Two secrets during a rotation, and an asymmetric one: every entry masked, the schemes kept.
    expect(maskRequestHeaders({ "Webhook-Signature": "v1,abc= v1,def=  v1a,ghi=" })).toEqual({
      "Webhook-Signature": "v1,**** v1,**** v1a,****",
    });
    expect(maskRequestHeaders({ "webhook-signature": "garbage" })).toEqual({ "webhook-signature": "****" });
  });

  it("masks credential-named headers as answers do: **** and the last four characters, none of a short value", () => {
    expect(
      maskRequestHeaders({
        authorization: "Bearer s3cr3t-t0ken-9f2a",
        "X-Api-Key": "key-1234567890abcd",
        "X-Auth-Token": "tok_0123456789",
        "X-Client-Secret": "short",
        Cookie: "session=0123456789abcdef",
        "Proxy-Authorization": "Basic dXNlcjpwYXNzd29yZA==",
      }),
    ).toEqual({
      authorization: "****9f2a",
      "X-Api-Key": "****abcd",
      "X-Auth-Token": "****6789",
      "X-Client-Secret": "****",
      Cookie: "****cdef",
      "Proxy-Authorization": "****ZA==",
    });
  });

  it("keeps what identifies and describes the call as sent", () => {
    const sent = {
      "content-type": "application/json",
      "user-agent": "Herald-Webhooks/1.0",
      "webhook-id": "msg_3B8EAFA01E1A4744AB530EE45EA8B102",
      "webhook-timestamp": "1796515600",
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      "Idempotency-Key": "3B8EAFA0-1E1A-4744-AB53-0EE45EA8B102",
      "X-Team": "ops",
      accept: "application/json",
    };
    expect(maskRequestHeaders(sent)).toEqual(sent);
  });
});
