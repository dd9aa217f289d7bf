import path from "node:path";

import { describe, expect, test } from "vitest";

import { EnvError, MODE_REQUIRED_IN_PRODUCTION, parseEnv, SANDBOX_DEFAULTS } from "@/lib/env";

const LIVE = {
  SEQR_MODE: "live",
  PUBLIC_BASE_URL: "https://shop.example.se",
  SEQR_SOAP_URL: "https://extdev.seqr.com/soap/merchant/cashregister-2",
  SEQR_TERMINAL_ID: "shop_terminal_1",
  SEQR_TERMINAL_PASSWORD: "terminal-password",
  SEQR_SERVICE_ID: "SHOP01",
  NOTIFICATION_SECRET: "n".repeat(40),
  ADMIN_PASSWORD: "a long admin password",
  SMTP_URL: "smtps://shop:mail-password@mail.example.se:465",
  SHOP_ADDRESS: "Fjällbo AB, Storgatan 1, 111 22 Stockholm",
  ADMIN_EMAIL: "owner@shop.example.se",
  SHOP_COMPANY_NAME: "Fjällbo AB",
  SHOP_ORG_NUMBER: "556677-8899",
  SHOP_CONTACT_EMAIL: "hej@shop.example.se",
};

function errorOf(source: Record<string, string | undefined>): EnvError {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error("expected the settings to be refused");
}

describe("settings with no configuration", () => {
  const env = parseEnv({});

  test("run the shop against its own SEQR sandbox on localhost:3000", () => {
    expect(env.publicBaseUrl).toBe("http://localhost:3000");
    expect(env.seqr).toEqual({
      mode: "sandbox",
      soapUrl: "http://localhost:3000/sandbox/soap",
      terminalId: SANDBOX_DEFAULTS.terminalId,
      terminalPassword: SANDBOX_DEFAULTS.terminalPassword,
      serviceId: SANDBOX_DEFAULTS.serviceId,
      appUrl: "http://localhost:3000/sandbox/app",
      requestTimeoutMs: 10_000,
      readTimeoutMs: 3_000,
      reportUserId: "9900",
      reportId: "TRANSACTION_REPORT",
    });
    expect(env.sandbox).toEqual({ commitWindowMs: 20_000 });
    expect(env.orders).toEqual({ invoiceTimeoutMs: 600_000, pendingTimeoutMs: 86_400_000 });
    expect(env.reconciler).toMatchObject({ concurrency: 32 });
    expect(env.notificationSecret).toBe(SANDBOX_DEFAULTS.notificationSecret);
    expect(env.admin.password).toBe(SANDBOX_DEFAULTS.adminPassword);
  });

  test("keep the database in the git-ignored data/ folder, as an absolute path", () => {
    expect(env.databaseUrl).toBe(`file:${path.resolve("data/shop.db")}`);
  });
});

describe("safety-net settings", () => {
  test("SEQR_READ_TIMEOUT_MS, RECONCILER_CONCURRENCY and PENDING_ORDER_TIMEOUT_MS are read and bounded", () => {
    const env = parseEnv({ SEQR_READ_TIMEOUT_MS: "2500", RECONCILER_CONCURRENCY: "64", PENDING_ORDER_TIMEOUT_MS: "3600000" });
    expect(env.seqr.readTimeoutMs).toBe(2_500);
    expect(env.reconciler.concurrency).toBe(64);
    expect(env.orders.pendingTimeoutMs).toBe(3_600_000);
    expect(() => parseEnv({ SEQR_READ_TIMEOUT_MS: "9000" })).toThrow("SEQR_READ_TIMEOUT_MS must be at most 8000");
    expect(() => parseEnv({ RECONCILER_CONCURRENCY: "0" })).toThrow("RECONCILER_CONCURRENCY must be at least 1");
    expect(() => parseEnv({ RECONCILER_CONCURRENCY: "many" })).toThrow("RECONCILER_CONCURRENCY must be a whole number");
    expect(() => parseEnv({ PENDING_ORDER_TIMEOUT_MS: "1000" })).toThrow("PENDING_ORDER_TIMEOUT_MS must be at least 60000");
  });
});

describe("CATALOG_CACHE_SECONDS", () => {
  test("is 2 s unless set, a whole number of seconds from 1 to 300", () => {
    expect(parseEnv({}).catalogCacheSeconds).toBe(2);
    expect(parseEnv({ CATALOG_CACHE_SECONDS: "10" }).catalogCacheSeconds).toBe(10);
    expect(() => parseEnv({ CATALOG_CACHE_SECONDS: "0" })).toThrow("CATALOG_CACHE_SECONDS must be at least 1");
    expect(() => parseEnv({ CATALOG_CACHE_SECONDS: "301" })).toThrow("CATALOG_CACHE_SECONDS must be at most 300");
    expect(() => parseEnv({ CATALOG_CACHE_SECONDS: "1.5" })).toThrow("CATALOG_CACHE_SECONDS must be a whole number of seconds");
  });
});

describe("sandbox settings", () => {
  test("follow PUBLIC_BASE_URL, without a trailing slash", () => {
    const env = parseEnv({ PUBLIC_BASE_URL: "http://127.0.0.1:3100/" });
    expect(env.publicBaseUrl).toBe("http://127.0.0.1:3100");
    expect(env.seqr.soapUrl).toBe("http://127.0.0.1:3100/sandbox/soap");
    expect(env.seqr.appUrl).toBe("http://127.0.0.1:3100/sandbox/app");
  });

  test("treat an empty value as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", SEQR_MODE: "" }).seqr.mode).toBe("sandbox");
  });

  test("resolve a relative SQLite path from the project root", () => {
    expect(parseEnv({ DATABASE_URL: "file:./data/other.db" }).databaseUrl).toBe(
      `file:${path.resolve("data/other.db")}`,
    );
    expect(parseEnv({ DATABASE_URL: "file:/var/lib/shop/shop.db" }).databaseUrl).toBe("file:/var/lib/shop/shop.db");
  });
});

describe("live mode", () => {
  test("accepts a complete configuration and sends app links to real phones", () => {
    const env = parseEnv(LIVE);
    expect(env.seqr.mode).toBe("live");
    expect(env.seqr.soapUrl).toBe(LIVE.SEQR_SOAP_URL);
    expect(env.seqr.appUrl).toBeUndefined();
    expect(env.admin.password).toBe(LIVE.ADMIN_PASSWORD);
  });

  test.each([
    "SEQR_SOAP_URL",
    "SEQR_TERMINAL_ID",
    "SEQR_TERMINAL_PASSWORD",
    "SEQR_SERVICE_ID",
    "NOTIFICATION_SECRET",
    "ADMIN_PASSWORD",
    "SMTP_URL",
    "SHOP_ADDRESS",
    "ADMIN_EMAIL",
    "SHOP_COMPANY_NAME",
    "SHOP_ORG_NUMBER",
    "SHOP_CONTACT_EMAIL",
  ])(
    "refuses to start without %s",
    (name) => {
      const error = errorOf({ ...LIVE, [name]: undefined });
      expect(error.message).toBe(`Invalid settings: ${name} is required when SEQR_MODE=live`);
    },
  );

  test("names every missing variable on one line", () => {
    const error = errorOf({ SEQR_MODE: "live", PUBLIC_BASE_URL: "https://shop.example.se" });
    expect(error.message.split("\n")).toHaveLength(1);
    for (const name of ["SEQR_SOAP_URL", "SEQR_TERMINAL_ID", "NOTIFICATION_SECRET", "ADMIN_PASSWORD"]) {
      expect(error.message).toContain(`${name} is required when SEQR_MODE=live`);
    }
  });

  test("requires an https PUBLIC_BASE_URL, since SEQR posts notifications to it", () => {
    expect(errorOf({ ...LIVE, PUBLIC_BASE_URL: "http://shop.example.se" }).message).toContain(
      "PUBLIC_BASE_URL must be an https:// URL when SEQR_MODE=live",
    );
  });

  test("refuses a short notification secret without repeating it", () => {
    const error = errorOf({ ...LIVE, NOTIFICATION_SECRET: "hunter2" });
    expect(error.message).toContain("NOTIFICATION_SECRET must be at least 32 characters");
    expect(error.message).not.toContain("hunter2");
  });
});

describe("the database", () => {
  test("file: runs on SQLite, postgresql:// and postgres:// on PostgreSQL, with pool and timeout defaults", () => {
    expect(parseEnv({ DATABASE_URL: "file:./data/x.db" }).database).toEqual({
      provider: "sqlite",
      poolSize: 10,
      statementTimeoutMs: 15_000,
    });
    for (const url of ["postgresql://shop:pw@db.example:5432/shop", "postgres://shop@localhost/shop"]) {
      const parsed = parseEnv({ DATABASE_URL: url, DATABASE_POOL_SIZE: "25", DATABASE_STATEMENT_TIMEOUT_MS: "5000" });
      expect(parsed.databaseUrl).toBe(url);
      expect(parsed.database).toEqual({ provider: "postgresql", poolSize: 25, statementTimeoutMs: 5_000 });
    }
  });
});

describe("malformed values", () => {
  test.each([
    ["DATABASE_URL", "mysql://localhost/shop", "DATABASE_URL must be file:<path> (SQLite) or postgresql://… (PostgreSQL)"],
    ["DATABASE_URL", "postgresql:// not a url", "DATABASE_URL must be a PostgreSQL URL"],
    ["DATABASE_POOL_SIZE", "1", "DATABASE_POOL_SIZE must be at least 2"],
    ["DATABASE_STATEMENT_TIMEOUT_MS", "soon", "DATABASE_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds"],
    ["DATABASE_URL", "file:./data/shop.db?mode=ro", "DATABASE_URL must be a SQLite URL"],
    ["PUBLIC_BASE_URL", "localhost:3000", "PUBLIC_BASE_URL must be an http:// or https:// URL"],
    ["PUBLIC_BASE_URL", "ftp://shop.example.se", "PUBLIC_BASE_URL must be an http:// or https:// URL"],
    ["SEQR_MODE", "production", 'SEQR_MODE must be "sandbox" or "live"'],
    ["SEQR_SERVICE_ID", "has spaces", "SEQR_SERVICE_ID must be 1-64 letters"],
    ["SEQR_APP_URL", "not a url", "SEQR_APP_URL must be an http:// or https:// URL"],
    ["LOG_LEVEL", "loud", "LOG_LEVEL must be one of"],
    ["SHOP_TIME_ZONE", "Mars/Olympus_Mons", "SHOP_TIME_ZONE must be an IANA time zone"],
    ["ADMIN_IDLE_TIMEOUT_MS", "59999", "ADMIN_IDLE_TIMEOUT_MS must be at least 60000"],
    ["ADMIN_IDLE_TIMEOUT_MS", "thirty minutes", "ADMIN_IDLE_TIMEOUT_MS must be a whole number of milliseconds"],
  ])("%s=%s is refused with a message naming it", (name, value, message) => {
    const error = errorOf({ [name]: value });
    expect(error.message).toMatch(/^Invalid settings: /);
    expect(error.message).toContain(message);
    expect(error.message).not.toContain("\n");
  });
});

describe("admin settings", () => {
  test("default to a 30 minute idle timeout and the merchant's Swedish days", () => {
    const env = parseEnv({});
    expect(env.admin.idleTimeoutMs).toBe(30 * 60_000);
    expect(env.timeZone).toBe("Europe/Stockholm");
  });

  test("take the idle timeout and time zone as given", () => {
    const env = parseEnv({ ADMIN_IDLE_TIMEOUT_MS: "120000", SHOP_TIME_ZONE: "America/New_York" });
    expect(env.admin.idleTimeoutMs).toBe(120_000);
    expect(env.timeZone).toBe("America/New_York");
  });
});

describe("SEQR timing and report settings", () => {
  test("default to a 10 s request timeout, report user 9900 and SEQR's 20 s commit window", () => {
    const env = parseEnv({});
    expect(env.seqr.requestTimeoutMs).toBe(10_000);
    expect(env.seqr.reportUserId).toBe("9900");
    expect(env.sandbox.commitWindowMs).toBe(20_000);
  });

  test("keep the same defaults in live mode", () => {
    const env = parseEnv(LIVE);
    expect(env.seqr.requestTimeoutMs).toBe(10_000);
    expect(env.seqr.reportUserId).toBe("9900");
    expect(env.sandbox.commitWindowMs).toBe(20_000);
  });

  test("treat empty values as unset", () => {
    const env = parseEnv({ SEQR_REQUEST_TIMEOUT_MS: "", SEQR_REPORT_USER_ID: "", SANDBOX_COMMIT_WINDOW_MS: "" });
    expect(env.seqr.requestTimeoutMs).toBe(10_000);
    expect(env.seqr.reportUserId).toBe("9900");
    expect(env.sandbox.commitWindowMs).toBe(20_000);
  });

  test.each([
    ["1000", 1_000],
    ["30000", 30_000],
    ["120000", 120_000],
    [" 5000 ", 5_000],
  ])("SEQR_REQUEST_TIMEOUT_MS=%j gives %i ms", (value, expected) => {
    expect(parseEnv({ SEQR_REQUEST_TIMEOUT_MS: value }).seqr.requestTimeoutMs).toBe(expected);
  });

  test.each([
    ["1000", 1_000],
    ["600000", 600_000],
    ["5000", 5_000],
  ])("SANDBOX_COMMIT_WINDOW_MS=%j gives %i ms", (value, expected) => {
    expect(parseEnv({ SANDBOX_COMMIT_WINDOW_MS: value }).sandbox.commitWindowMs).toBe(expected);
  });

  test("SEQR_REPORT_USER_ID is taken as given, trimmed", () => {
    expect(parseEnv({ SEQR_REPORT_USER_ID: " 1234 " }).seqr.reportUserId).toBe("1234");
  });

  test.each([
    ["SEQR_REQUEST_TIMEOUT_MS", "999", "SEQR_REQUEST_TIMEOUT_MS must be at least 1000"],
    ["SEQR_REQUEST_TIMEOUT_MS", "0", "SEQR_REQUEST_TIMEOUT_MS must be at least 1000"],
    ["SEQR_REQUEST_TIMEOUT_MS", "120001", "SEQR_REQUEST_TIMEOUT_MS must be at most 120000"],
    ["SEQR_REQUEST_TIMEOUT_MS", "10s", "SEQR_REQUEST_TIMEOUT_MS must be a whole number of milliseconds"],
    ["SEQR_REQUEST_TIMEOUT_MS", "fast", "SEQR_REQUEST_TIMEOUT_MS must be a whole number of milliseconds"],
    ["SEQR_REQUEST_TIMEOUT_MS", "-1", "SEQR_REQUEST_TIMEOUT_MS must be a whole number of milliseconds"],
    ["SEQR_REQUEST_TIMEOUT_MS", "1e4", "SEQR_REQUEST_TIMEOUT_MS must be a whole number of milliseconds"],
    ["SEQR_REQUEST_TIMEOUT_MS", "5000.5", "SEQR_REQUEST_TIMEOUT_MS must be a whole number of milliseconds"],
    ["SANDBOX_COMMIT_WINDOW_MS", "999", "SANDBOX_COMMIT_WINDOW_MS must be at least 1000"],
    ["SANDBOX_COMMIT_WINDOW_MS", "600001", "SANDBOX_COMMIT_WINDOW_MS must be at most 600000"],
    ["SANDBOX_COMMIT_WINDOW_MS", "20s", "SANDBOX_COMMIT_WINDOW_MS must be a whole number of milliseconds"],
    ["SEQR_REPORT_USER_ID", "9".repeat(65), "SEQR_REPORT_USER_ID must be at most 64 characters"],
  ])("%s=%s is refused with a one-line message naming it", (name, value, message) => {
    const error = errorOf({ [name]: value });
    expect(error.message).toBe(`Invalid settings: ${message}`);
    expect(error.message).not.toContain("\n");
  });

  test("names every bad timing setting on one line", () => {
    const error = errorOf({ SEQR_REQUEST_TIMEOUT_MS: "fast", SANDBOX_COMMIT_WINDOW_MS: "1" });
    expect(error.message).toBe(
      "Invalid settings: SEQR_REQUEST_TIMEOUT_MS must be a whole number of milliseconds; SANDBOX_COMMIT_WINDOW_MS must be at least 1000",
    );
  });
});

describe("the mode in production (NODE_ENV=production)", () => {
  test("SEQR_MODE unset refuses to start with one line saying to choose live, or sandbox on purpose", () => {
    for (const source of [{ NODE_ENV: "production" }, { NODE_ENV: "production", SEQR_MODE: "" }]) {
      const error = errorOf(source);
      expect(error.message).toBe(`Invalid settings: SEQR_MODE ${MODE_REQUIRED_IN_PRODUCTION}`);
      expect(error.message).toContain("SEQR_MODE=live");
      expect(error.message).toContain("SEQR_MODE=sandbox on purpose");
      expect(error.message).not.toContain("\n");
    }
  });

  test("an explicit sandbox starts, marked as a sandbox in production (the start warning, the banner)", () => {
    const env = parseEnv({ NODE_ENV: "production", SEQR_MODE: "sandbox" });
    expect(env.seqr.mode).toBe("sandbox");
    expect(env.sandboxInProduction).toBe(true);
  });

  test("live mode in production is not a sandbox", () => {
    const env = parseEnv({ ...LIVE, NODE_ENV: "production" });
    expect(env.seqr.mode).toBe("live");
    expect(env.sandboxInProduction).toBe(false);
  });

  test("`next build` may leave the mode unset: it serves nothing, and `next start` checks again", () => {
    const env = parseEnv({ NODE_ENV: "production", NEXT_PHASE: "phase-production-build" });
    expect(env.seqr.mode).toBe("sandbox");
    expect(() => parseEnv({ NODE_ENV: "production", NEXT_PHASE: "phase-production-server" })).toThrow(
      MODE_REQUIRED_IN_PRODUCTION,
    );
  });

  test.each([undefined, "development", "test"])("NODE_ENV=%s keeps the sandbox as the default, unmarked", (nodeEnv) => {
    const env = parseEnv({ NODE_ENV: nodeEnv });
    expect(env.seqr.mode).toBe("sandbox");
    expect(env.sandboxInProduction).toBe(false);
  });
});

describe("live mode's SEQR endpoint", () => {
  test("must be https: the terminal's password travels in every call", () => {
    const error = errorOf({ ...LIVE, SEQR_SOAP_URL: "http://extdev.seqr.com/soap/merchant/cashregister-2" });
    expect(error.message).toBe("Invalid settings: SEQR_SOAP_URL must be an https:// URL when SEQR_MODE=live");
  });

  test("the sandbox's own endpoint may stay http on localhost", () => {
    expect(parseEnv({ SEQR_SOAP_URL: "http://localhost:3000/sandbox/soap" }).seqr.soapUrl).toBe(
      "http://localhost:3000/sandbox/soap",
    );
  });
});
