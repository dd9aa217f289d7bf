import { describe, expect, test } from "vitest";

import { SeqrError } from "@/lib/seqr/errors";
import { isKnownResultCode, resultCodeMessage, resultCodeName, SEQR_RESULT_CODES, TRANSIENT_RESULT_CODES } from "@/lib/seqr/result-codes";
import { EXPECTED_ERROR_CODES, EXPECTED_RESULT_CODES } from "@/tests/support/seqr-result-codes";

describe("SeqrError for a business answer", () => {
  test("carries SEQR's result code, its constant name and a readable message", () => {
    const error = new SeqrError("getPaymentStatus", "result", { resultCode: 54 });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("SeqrError");
    expect(error.kind).toBe("result");
    expect(error.operation).toBe("getPaymentStatus");
    expect(error.resultCode).toBe(54);
    expect(error.resultName).toBe("UNKNOWN_INVOICE_REFERENCE");
    expect(error.message).toBe("getPaymentStatus: Unknown invoice reference (54 UNKNOWN_INVOICE_REFERENCE)");
    expect(error.transient).toBe(false);
  });

  test.each([90, 93, 94])("is transient for %i: SEQR or its bank was down, nothing was decided", (resultCode) => {
    expect(new SeqrError("getPaymentStatus", "result", { resultCode }).transient).toBe(true);
  });

  test.each([2, 20, 21, 23, 29, 37, 49, 50, 51, 54, 60, 61, 62, 63, 64, 91, 95, 97, 98, 99])(
    "is not transient for %i",
    (resultCode) => {
      expect(new SeqrError("sendInvoice", "result", { resultCode }).transient).toBe(false);
    },
  );

  test("names a code SEQR never documented after its number", () => {
    const error = new SeqrError("sendInvoice", "result", { resultCode: 777 });
    expect(error.resultCode).toBe(777);
    expect(error.resultName).toBe("RESULT_777");
    expect(error.message).toContain("777");
    expect(error.transient).toBe(false);
  });

  test("answers is(code) for its own code only", () => {
    const error = new SeqrError("cancelInvoice", "result", { resultCode: 95 });
    expect(error.is(95)).toBe(true);
    expect(error.is(50)).toBe(false);
    expect(error.is(0)).toBe(false);
  });

  test("lets an explicit message replace the default one, still prefixed with the operation", () => {
    const error = new SeqrError("sendInvoice", "result", { resultCode: 49, message: "rows do not add up" });
    expect(error.message).toBe("sendInvoice: rows do not add up");
    expect(error.resultName).toBe("INVALID_INVOICE_DATA");
  });
});

describe("SeqrError without a business answer", () => {
  test.each([
    [500, true],
    [502, true],
    [503, true],
    [400, false],
    [401, false],
    [404, false],
  ])("is an http error for HTTP %i, transient: %s", (httpStatus, transient) => {
    const error = new SeqrError("sendInvoice", "http", { httpStatus });
    expect(error.kind).toBe("http");
    expect(error.resultName).toBe(`HTTP_${httpStatus}`);
    expect(error.resultCode).toBeNull();
    expect(error.transient).toBe(transient);
    expect(error.message).toBe(`sendInvoice: SEQR answered HTTP ${httpStatus}`);
  });

  test("treats an http error without a status as transient", () => {
    const error = new SeqrError("sendInvoice", "http", {});
    expect(error.resultName).toBe("HTTP_0");
    expect(error.transient).toBe(true);
  });

  test("is a transient TIMEOUT when SEQR did not answer in time", () => {
    const error = new SeqrError("getPaymentStatus", "timeout", {});
    expect(error.resultName).toBe("TIMEOUT");
    expect(error.transient).toBe(true);
    expect(error.resultCode).toBeNull();
  });

  test("is a transient CONNECTION_FAILED when SEQR could not be reached, keeping the cause", () => {
    const cause = new Error("ECONNREFUSED");
    const error = new SeqrError("getPaymentStatus", "network", { cause });
    expect(error.resultName).toBe("CONNECTION_FAILED");
    expect(error.transient).toBe(true);
    expect(error.cause).toBe(cause);
  });

  test("is a permanent INVALID_RESPONSE when the answer breaks the contract", () => {
    const error = new SeqrError("getPaymentStatus", "protocol", { message: "missing return.version" });
    expect(error.resultName).toBe("INVALID_RESPONSE");
    expect(error.transient).toBe(false);
    expect(error.message).toBe("getPaymentStatus: missing return.version");
  });

  test("never matches is(code), even when a result code was passed along", () => {
    const error = new SeqrError("getPaymentStatus", "http", { httpStatus: 500, resultCode: 90 });
    expect(error.resultCode).toBeNull();
    expect(error.is(90)).toBe(false);
    expect(new SeqrError("x", "timeout", {}).is(0)).toBe(false);
  });
});

describe("SEQR's result codes", () => {
  // The expectations are written out (tests/support/seqr-result-codes.ts), not read from SEQR_RESULT_CODES.
  test.each(EXPECTED_RESULT_CODES)("%i is named %s, with the message %j", (code, name, message) => {
    expect(isKnownResultCode(code)).toBe(true);
    expect(resultCodeName(code)).toBe(name);
    expect(resultCodeMessage(code)).toBe(message);
  });

  test.each(EXPECTED_ERROR_CODES)("a SeqrError for %i is named %s, says %j, transient: %s", (code, name, message, transient) => {
    const error = new SeqrError("getPaymentStatus", "result", { resultCode: code });
    expect(error.resultName).toBe(name);
    expect(error.message).toBe(`getPaymentStatus: ${message} (${code} ${name})`);
    expect(error.transient).toBe(transient);
  });

  test("name a code SEQR never documented after its number", () => {
    expect(isKnownResultCode(12345)).toBe(false);
    expect(resultCodeName(12345)).toBe("RESULT_12345");
    expect(resultCodeMessage(12345)).toBe("SEQR answered with result code 12345");
  });

  test("cover every code the contract names, and no other", () => {
    const documented = [0, 2, 20, 21, 23, 29, 37, 49, 50, 51, 54, 60, 61, 62, 63, 64, 90, 91, 93, 94, 95, 97, 98, 99];
    expect(EXPECTED_RESULT_CODES.map(([code]) => code)).toEqual(documented);
    expect(Object.keys(SEQR_RESULT_CODES).map(Number).sort((a, b) => a - b)).toEqual(documented);
  });

  test("count only 90, 93 and 94 as transient (91, unsupported, will not change)", () => {
    expect([...TRANSIENT_RESULT_CODES].sort((a, b) => a - b)).toEqual([90, 93, 94]);
  });
});
