import { afterEach, describe, expect, test, vi } from "vitest";

import { AppError, errorResponse } from "@/lib/errors";
import { log } from "@/lib/log";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("errorResponse", () => {
  test("answers an AppError with its own status, code and message", async () => {
    const logged = vi.spyOn(log, "error").mockImplementation(() => undefined);
    const response = errorResponse(new AppError("ORDER_NOT_FOUND", 404, "We could not find that order."));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: "ORDER_NOT_FOUND", message: "We could not find that order." },
    });
    expect(logged).not.toHaveBeenCalled();
  });

  test("hides everything about an unexpected error from the caller, and logs it for the operator", async () => {
    const logged = vi.spyOn(log, "error").mockImplementation(() => undefined);
    const failure = new Error("SQLITE_CORRUPT: database disk image is malformed at /srv/shop.db");
    const response = errorResponse(failure, { route: "/api/health" });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("SQLITE");
    expect(text).not.toContain("/srv");
    expect(JSON.parse(text)).toEqual({
      error: { code: "INTERNAL_ERROR", message: "Something went wrong on our side. Please try again." },
    });
    expect(logged).toHaveBeenCalledWith({ err: failure, route: "/api/health" }, "unexpected error");
  });

  test("hides a thrown non-Error too", async () => {
    vi.spyOn(log, "error").mockImplementation(() => undefined);
    const response = errorResponse({ secret: "x" });
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("secret");
  });
});
