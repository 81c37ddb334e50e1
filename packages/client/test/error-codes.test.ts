// The client's error codes are generated from the committed document's Error-Code schemas, never listed by hand.
import { describe, expect, it } from "vitest";
import document from "../openapi.json";
import { documentEnum, errorCodesSource } from "../scripts/error-codes";
import { ERROR_CODES, VALIDATION_ERROR_CODES } from "../src/index";

describe("error codes", () => {
  it("are the document's Error-Code enum, and the validation codes its Validation-Error-Code subset", () => {
    expect(ERROR_CODES).toEqual(document.components.schemas["Error-Code"].enum);
    expect(VALIDATION_ERROR_CODES).toEqual(document.components.schemas["Validation-Error-Code"].enum);
    expect(VALIDATION_ERROR_CODES).toContain("missing_required_property");
    expect(VALIDATION_ERROR_CODES).not.toContain("not_found");
    for (const code of VALIDATION_ERROR_CODES) expect(ERROR_CODES).toContain(code);
  });

  it("refuse to generate from a schema that is not an enum of strings, or a validation code that is no error code", () => {
    expect(() => documentEnum({ components: { schemas: { "Error-Code": { type: "string" } } } }, "Error-Code")).toThrow(
      /Error-Code schema is not an enum of strings/,
    );
    expect(() => documentEnum({}, "Error-Code")).toThrow(/not an enum/);
    expect(() => documentEnum({ components: { schemas: { X: { enum: ["a", 1] } } } }, "X")).toThrow(/not an enum/);
    expect(() => errorCodesSource(["not_found"], ["invalid_json"])).toThrow(/invalid_json/);
    expect(errorCodesSource(["not_found", "invalid_json"], ["invalid_json"])).toContain(
      'VALIDATION_ERROR_CODES = ["invalid_json"]',
    );
  });
});
