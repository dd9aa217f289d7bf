import path from "node:path";
import { z } from "zod";

import { SHOP_NAME } from "./shop/brand.ts";

// Every setting the shop reads, validated once. Nothing else in the code base reads process.env.
//
// Defaults make `SEQR_MODE=sandbox` (the default) work with no configuration at all: the shop talks to the SEQR
// sandbox it serves itself under /sandbox. In `live` mode the SEQR settings and the secrets have no defaults.

export const SANDBOX_DEFAULTS = {
  terminalId: "sandbox_shop_terminal",
  terminalPassword: "sandbox-terminal-password",
  serviceId: "SEQRSHOP",
  notificationSecret: "sandbox-notification-secret-not-for-production",
  adminPassword: "sandbox-admin",
  merchantEmail: "merchant@fjallbo.example",
  shopAddress: "Fjällbo AB, Storgatan 1, 111 22 Stockholm, Sweden",
  adminEmail: "owner@fjallbo.example",
  companyName: "Fjällbo AB (sandbox)",
  orgNumber: "559999-9999",
  contactEmail: "hej@fjallbo.example",
  contactPhone: "08-123 456 78",
} as const;



const DEFAULT_DATABASE_URL = "file:./data/shop.db";
const DEFAULT_PUBLIC_BASE_URL = "http://localhost:3000";

/** Unset and empty both mean "not given": `FOO=` in a shell or an .env file is a common way to clear a value. */
const optionalString = z.preprocess((value) => (value === "" ? undefined : value), z.string().trim().optional());

const httpUrl = (what: string) =>
  z
    .string()
    .trim()
    .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
      message: `must be an http:// or https:// URL${what ? ` (${what})` : ""}`,
    })
    // One spelling of each URL, so that links built from it never carry "//".
    .transform((value) => value.replace(/\/+$/, ""));

/**
 * A SQLite URL `file:<path>`, relative paths taken from the project's root (the working directory of every
 * command the project runs), turned into an absolute path so that the CLI and the server open the same file.
 */
const sqliteUrl = z
  .string()
  .trim()
  .refine((value) => /^file:[^?#]+$/.test(value), {
    message: 'must be a SQLite URL "file:<path>" such as file:./data/shop.db (no query string)',
  })
  .transform((value) => `file:${path.resolve(value.slice("file:".length))}`);

/** A PostgreSQL connection URL, `postgresql://` or `postgres://`, as pg (node-postgres) reads it. */
const postgresUrl = z
  .string()
  .trim()
  .refine((value) => /^postgres(ql)?:\/\//.test(value) && URL.canParse(value), {
    message: "must be a PostgreSQL URL such as postgresql://user:password@host:5432/shop",
  });

/**
 * Which database the shop runs on follows from the URL alone: `file:` is SQLite (the embedded default),
 * `postgresql://` (or `postgres://`) is PostgreSQL; anything else stops start-up with one line naming the variable.
 */
const databaseUrl = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const provider = value.startsWith("file:") ? "sqlite" : /^postgres(ql)?:/.test(value) ? "postgresql" : undefined;
    if (provider === undefined) {
      ctx.addIssue({ code: "custom", message: "must be file:<path> (SQLite) or postgresql://… (PostgreSQL)" });
      return z.NEVER;
    }
    const parsed = (provider === "sqlite" ? sqliteUrl : postgresUrl).safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message });
      return z.NEVER;
    }
    return { provider, url: parsed.data } as const;
  });

export type DatabaseProvider = "sqlite" | "postgresql";

/** The provider and normalized URL of a DATABASE_URL value; throws on one start-up would refuse. */
export function parseDatabaseUrl(value: string): { provider: DatabaseProvider; url: string } {
  return databaseUrl.parse(value);
}

const serviceId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, '_' or '-' (it is part of the SEQR QR code's URL)");

/** A whole number within [min, max], given as text; `unit` ("seconds") names what it counts in the refusal. */
const wholeNumber = (min: number, max: number, unit?: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, unit ? `must be a whole number of ${unit}` : "must be a whole number")
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

/** A whole number of milliseconds within [min, max], given as text. */
const milliseconds = (min: number, max: number) => wholeNumber(min, max, "milliseconds");

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/**
 * Set by Node.js tooling and by Next.js, not settings of ours (the README's table leaves them out): NODE_ENV is
 * "production" under `next start` and `next build`; NEXT_PHASE tells `next build` apart, which evaluates this
 * module while it collects page data and must not need a mode to be chosen.
 */
const runtimeSchema = z.object({
  NODE_ENV: z.string().optional(),
  NEXT_PHASE: z.string().optional(),
});

/** An SMTP server's URL, as nodemailer reads it: smtp:// (STARTTLS when offered) or smtps:// (TLS from the start). */
const smtpUrl = z
  .string()
  .trim()
  .refine((value) => URL.canParse(value) && /^smtps?:$/.test(new URL(value).protocol), {
    message: "must be an smtp:// or smtps:// URL such as smtps://user:password@mail.example.se:465",
  });

const emailAddress = z.email({ error: "must be an e-mail address" });

/** "Name <address>" or a bare address: the From of every e-mail the shop sends. */
const mailbox = z
  .string()
  .trim()
  .refine((value) => emailAddress.safeParse(/<([^<>]+)>\s*$/.exec(value)?.[1] ?? value).success, {
    message: 'must be an e-mail address or "Name <address>"',
  });

const rawSchema = runtimeSchema.extend({
  DATABASE_URL: optionalString.pipe(databaseUrl.optional()),
  DATABASE_POOL_SIZE: optionalString.pipe(wholeNumber(2, 200).optional()),
  DATABASE_STATEMENT_TIMEOUT_MS: optionalString.pipe(milliseconds(1_000, 600_000).optional()),
  PUBLIC_BASE_URL: optionalString.pipe(httpUrl("the address shoppers and SEQR reach the shop at").optional()),
  SEQR_MODE: optionalString.pipe(z.enum(["sandbox", "live"], { error: 'must be "sandbox" or "live"' }).optional()),
  SEQR_SOAP_URL: optionalString.pipe(httpUrl("SEQR's SOAP endpoint").optional()),
  SEQR_TERMINAL_ID: optionalString.pipe(z.string().max(64, "must be at most 64 characters").optional()),
  SEQR_TERMINAL_PASSWORD: optionalString,
  SEQR_SERVICE_ID: optionalString.pipe(serviceId.optional()),
  SEQR_APP_URL: optionalString.pipe(httpUrl("the simulated SEQR app").optional()),
  SEQR_REQUEST_TIMEOUT_MS: optionalString.pipe(milliseconds(1_000, 120_000).optional()),
  SEQR_READ_TIMEOUT_MS: optionalString.pipe(milliseconds(500, 8_000).optional()),
  SEQR_REPORT_USER_ID: optionalString.pipe(z.string().max(64, "must be at most 64 characters").optional()),
  SANDBOX_COMMIT_WINDOW_MS: optionalString.pipe(milliseconds(1_000, 600_000).optional()),
  INVOICE_TIMEOUT_MS: optionalString.pipe(milliseconds(5_000, 7 * 24 * 3_600_000).optional()),
  RECONCILER: optionalString.pipe(z.enum(["on", "off"], { error: 'must be "on" or "off"' }).optional()),
  RECONCILER_INTERVAL_MS: optionalString.pipe(milliseconds(100, 60_000).optional()),
  RECONCILER_CONCURRENCY: optionalString.pipe(wholeNumber(1, 256).optional()),
  PENDING_ORDER_TIMEOUT_MS: optionalString.pipe(milliseconds(60_000, 30 * 24 * 3_600_000).optional()),
  CATALOG_CACHE_SECONDS: optionalString.pipe(wholeNumber(1, 300, "seconds").optional()),
  NOTIFICATION_SECRET: optionalString.pipe(
    z.string().min(32, "must be at least 32 characters (it signs notification URLs)").optional(),
  ),
  ADMIN_PASSWORD: optionalString.pipe(z.string().min(12, "must be at least 12 characters").optional()),
  ADMIN_EMAIL: optionalString.pipe(emailAddress.optional()),
  ADMIN_IDLE_TIMEOUT_MS: optionalString.pipe(milliseconds(60_000, 24 * 3_600_000).optional()),
  ADMIN_SESSION_MAX_AGE_MS: optionalString.pipe(milliseconds(60_000, 7 * 24 * 3_600_000).optional()),
  TRUSTED_PROXY_COUNT: optionalString.pipe(
    z
      .string()
      .trim()
      .regex(/^\d+$/, "must be a whole number")
      .transform(Number)
      .pipe(z.number().max(10, "must be at most 10"))
      .optional(),
  ),
  SHOP_TIME_ZONE: optionalString.pipe(
    z.string().refine(isTimeZone, "must be an IANA time zone such as Europe/Stockholm").optional(),
  ),
  SEQR_REPORT_ID: optionalString.pipe(z.string().max(64, "must be at most 64 characters").optional()),
  SMTP_URL: optionalString.pipe(smtpUrl.optional()),
  MAIL_FROM: optionalString.pipe(mailbox.optional()),
  MERCHANT_EMAIL: optionalString.pipe(emailAddress.optional()),
  SHOP_ADDRESS: optionalString.pipe(z.string().max(200, "must be at most 200 characters").optional()),
  SHOP_COMPANY_NAME: optionalString.pipe(z.string().max(100, "must be at most 100 characters").optional()),
  SHOP_ORG_NUMBER: optionalString.pipe(
    z.string().regex(/^\d{6}-\d{4}$/, "must be a Swedish organisation number such as 556677-8899").optional(),
  ),
  SHOP_CONTACT_EMAIL: optionalString.pipe(emailAddress.optional()),
  SHOP_CONTACT_PHONE: optionalString.pipe(
    z.string().regex(/^\+?[\d ()-]{6,20}$/, "must be a phone number such as 08-123 456 78").optional(),
  ),
  SHOP_DELIVERY_TIME: optionalString.pipe(z.string().max(100, "must be at most 100 characters").optional()),
  STORE_PICKUP: optionalString.pipe(z.enum(["on", "off"], { error: 'must be "on" or "off"' }).optional()),
  PACKING_SLIP_PRICES: optionalString.pipe(
    z.enum(["show", "hide"], { error: 'must be "show" or "hide"' }).optional(),
  ),
  OUTBOX_WORKER: optionalString.pipe(z.enum(["on", "off"], { error: 'must be "on" or "off"' }).optional()),
  OUTBOX_MAX_ATTEMPTS: optionalString.pipe(
    z
      .string()
      .trim()
      .regex(/^\d+$/, "must be a whole number")
      .transform(Number)
      .pipe(z.number().min(1, "must be at least 1").max(50, "must be at most 50"))
      .optional(),
  ),
  LOG_LEVEL: optionalString.pipe(
    z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
        error: "must be one of fatal, error, warn, info, debug, trace, silent",
      })
      .optional(),
  ),
});

const LIVE_REQUIRED = [
  "SEQR_SOAP_URL",
  "SEQR_TERMINAL_ID",
  "SEQR_TERMINAL_PASSWORD",
  "SEQR_SERVICE_ID",
  "NOTIFICATION_SECRET",
  "ADMIN_PASSWORD",
  "ADMIN_EMAIL",
  "SMTP_URL",
  "SHOP_ADDRESS",
  "SHOP_COMPANY_NAME",
  "SHOP_ORG_NUMBER",
  "SHOP_CONTACT_EMAIL",
] as const;

/** What SEQR_MODE unset in production says: one line, with both ways out. */
export const MODE_REQUIRED_IN_PRODUCTION =
  "must be set in production (NODE_ENV=production): SEQR_MODE=live for real payments, or SEQR_MODE=sandbox on purpose";

const envSchema = rawSchema
  .superRefine((raw, ctx) => {
    // A production server that silently fell back to the sandbox would take orders nobody ever pays for: the mode
    // must be chosen. `next build` is spared: it serves nothing, and `next start` checks again.
    if (raw.SEQR_MODE === undefined && raw.NODE_ENV === "production" && raw.NEXT_PHASE !== "phase-production-build") {
      ctx.addIssue({ code: "custom", path: ["SEQR_MODE"], message: MODE_REQUIRED_IN_PRODUCTION });
    }
    if (raw.SEQR_MODE !== "live") return;
    for (const name of LIVE_REQUIRED) {
      if (raw[name] === undefined) {
        ctx.addIssue({ code: "custom", path: [name], message: "is required when SEQR_MODE=live" });
      }
    }
    // The terminal's password travels in every SOAP call: never in clear text to a real SEQR.
    if (raw.SEQR_SOAP_URL !== undefined && !raw.SEQR_SOAP_URL.startsWith("https://")) {
      ctx.addIssue({ code: "custom", path: ["SEQR_SOAP_URL"], message: "must be an https:// URL when SEQR_MODE=live" });
    }
    // SEQR posts payment notifications and the SEQR app opens our pages at this address.
    if (raw.PUBLIC_BASE_URL === undefined || !raw.PUBLIC_BASE_URL.startsWith("https://")) {
      ctx.addIssue({
        code: "custom",
        path: ["PUBLIC_BASE_URL"],
        message: "must be an https:// URL when SEQR_MODE=live",
      });
    }
  })
  .transform((raw) => {
    const mode = raw.SEQR_MODE ?? "sandbox";
    const sandbox = mode === "sandbox";
    const publicBaseUrl = raw.PUBLIC_BASE_URL ?? DEFAULT_PUBLIC_BASE_URL;
    // In live mode every `?? sandbox default` below is unreachable: superRefine has required the value.
    return {
      databaseUrl: (raw.DATABASE_URL ?? { url: sqliteUrl.parse(DEFAULT_DATABASE_URL) }).url,
      database: {
        provider: (raw.DATABASE_URL?.provider ?? "sqlite") satisfies DatabaseProvider,
        /** PostgreSQL only: connections each process keeps open (SQLite has one per process). */
        poolSize: raw.DATABASE_POOL_SIZE ?? 10,
        /**
         * PostgreSQL only: a statement still running this long is canceled by the server, so a stuck query frees
         * its connection and its row locks instead of holding up every request behind it.
         */
        statementTimeoutMs: raw.DATABASE_STATEMENT_TIMEOUT_MS ?? 15_000,
      },
      publicBaseUrl,
      seqr: {
        mode,
        soapUrl: raw.SEQR_SOAP_URL ?? `${publicBaseUrl}/sandbox/soap`,
        terminalId: raw.SEQR_TERMINAL_ID ?? SANDBOX_DEFAULTS.terminalId,
        terminalPassword: raw.SEQR_TERMINAL_PASSWORD ?? SANDBOX_DEFAULTS.terminalPassword,
        serviceId: raw.SEQR_SERVICE_ID ?? SANDBOX_DEFAULTS.serviceId,
        /** Where links meant for the SEQR app go; undefined means real `SEQR://` links for a real phone. */
        appUrl: raw.SEQR_APP_URL ?? (sandbox ? `${publicBaseUrl}/sandbox/app` : undefined),
        requestTimeoutMs: raw.SEQR_REQUEST_TIMEOUT_MS ?? 10_000,
        /**
         * Per try of a read (getPaymentStatus, getClientSessionInfo): a try and its one retry must fit well inside
         * SEQR's 20 s commit window, counted from the payment (CONTRACT.md).
         */
        readTimeoutMs: raw.SEQR_READ_TIMEOUT_MS ?? 3_000,
        /** RESELLERUSER user for reports (CONTRACT.md's example is 9900). */
        reportUserId: raw.SEQR_REPORT_USER_ID ?? "9900",
        /** The report executeReport runs for reconciliation; the sandbox's is TRANSACTION_REPORT (a CSV). */
        reportId: raw.SEQR_REPORT_ID ?? "TRANSACTION_REPORT",
      },
      sandbox: {
        /** SEQR reverses a payment nobody confirms within this window (CONTRACT.md, the commit rule). */
        commitWindowMs: raw.SANDBOX_COMMIT_WINDOW_MS ?? 20_000,
      },
      orders: {
        /** An invoice still unpaid this long after it was issued is canceled and its order EXPIRED. */
        invoiceTimeoutMs: raw.INVOICE_TIMEOUT_MS ?? 10 * 60_000,
        /** A PENDING order that never got an invoice this long after it was placed is EXPIRED. */
        pendingTimeoutMs: raw.PENDING_ORDER_TIMEOUT_MS ?? 24 * 3_600_000,
      },
      /** How old, at most, the catalog a server shows may be (lib/catalog/cached.ts). */
      catalogCacheSeconds: raw.CATALOG_CACHE_SECONDS ?? 2,
      reconciler: {
        /** Whether `next start` runs the reconciler in-process; `npm run reconcile` runs it on its own. */
        inProcess: (raw.RECONCILER ?? "on") === "on",
        /** How often it looks for invoices due for a check. */
        intervalMs: raw.RECONCILER_INTERVAL_MS ?? 1_000,
        /**
         * How many invoices one reconciler process asks SEQR about at once: 32 keeps 500 live invoices under the 3 s
         * gap against the sandbox on 2 cores (docs/reconciler.md).
         */
        concurrency: raw.RECONCILER_CONCURRENCY ?? 32,
      },
      notificationSecret: raw.NOTIFICATION_SECRET ?? SANDBOX_DEFAULTS.notificationSecret,
      admin: {
        password: raw.ADMIN_PASSWORD ?? SANDBOX_DEFAULTS.adminPassword,
        /** The first owner's e-mail: they sign in with it and ADMIN_PASSWORD (lib/admin/password.ts). */
        email: (raw.ADMIN_EMAIL ?? SANDBOX_DEFAULTS.adminEmail).toLowerCase(),
        /** A session unused this long is over. */
        idleTimeoutMs: raw.ADMIN_IDLE_TIMEOUT_MS ?? 30 * 60_000,
        /** A session ends this long after sign-in, however busy it is. */
        sessionMaxAgeMs: raw.ADMIN_SESSION_MAX_AGE_MS ?? 12 * 3_600_000,
      },
      /**
       * How many proxies in front of the shop append to X-Forwarded-For: 0 (the default) trusts no header and takes
       * the socket's address; N takes the Nth address from the right, the one the outermost trusted proxy saw.
       */
      trustedProxyCount: raw.TRUSTED_PROXY_COUNT ?? 0,
      mail: {
        /** Where e-mail goes: an SMTP server, or (sandbox mode only) the sandbox's mailbox at /sandbox/mail. */
        smtpUrl: raw.SMTP_URL,
        from: raw.MAIL_FROM ?? `${SHOP_NAME} <orders@${new URL(publicBaseUrl).hostname}>`,
        /** Who gets the new-order e-mail; none is sent when unset outside the sandbox. */
        merchantEmail: raw.MERCHANT_EMAIL ?? (sandbox ? SANDBOX_DEFAULTS.merchantEmail : undefined),
        /** The shop's postal address, printed in every e-mail and on the packing slip. */
        shopAddress: raw.SHOP_ADDRESS ?? SANDBOX_DEFAULTS.shopAddress,
      },
      /** Who the shop is, for the contact, terms and privacy pages every Swedish web shop must show. */
      merchant: {
        companyName: raw.SHOP_COMPANY_NAME ?? SANDBOX_DEFAULTS.companyName,
        orgNumber: raw.SHOP_ORG_NUMBER ?? SANDBOX_DEFAULTS.orgNumber,
        contactEmail: raw.SHOP_CONTACT_EMAIL ?? SANDBOX_DEFAULTS.contactEmail,
        /** Optional: the contact page leaves the phone out when unset in live mode. */
        contactPhone: raw.SHOP_CONTACT_PHONE ?? (sandbox ? SANDBOX_DEFAULTS.contactPhone : undefined),
        /** How long delivery takes, as the terms of purchase state it. */
        deliveryTime: raw.SHOP_DELIVERY_TIME ?? "2–5 working days",
      },
      fulfilment: {
        /** Whether shoppers may choose to collect their order at the shop instead of having it sent. */
        storePickup: (raw.STORE_PICKUP ?? "off") === "on",
        /** Whether the packing slip shows prices (some merchants pack gifts). */
        packingSlipPrices: (raw.PACKING_SLIP_PRICES ?? "show") === "show",
      },
      outbox: {
        /** Whether `next start` delivers outbox messages in-process. */
        inProcess: (raw.OUTBOX_WORKER ?? "on") === "on",
        /** Tries before a message is set aside as DEAD for the merchant to look at. */
        maxAttempts: raw.OUTBOX_MAX_ATTEMPTS ?? 8,
      },
      /** Where the merchant's days begin and end (the dashboard's "today", the orders list's dates). */
      timeZone: raw.SHOP_TIME_ZONE ?? "Europe/Stockholm",
      logLevel: raw.LOG_LEVEL ?? "info",
      /** `next dev`: modules are re-evaluated on every change. */
      isDevelopment: raw.NODE_ENV === "development",
      /**
       * A production server (NODE_ENV=production) running the sandbox because SEQR_MODE=sandbox says so: it warns
       * at start (instrumentation.ts). Every page of a sandbox shop carries a "no real payments" banner anyway
       * (app/_components/sandbox-banner.tsx).
       */
      sandboxInProduction: sandbox && raw.NODE_ENV === "production",
    };
  });

export type Env = z.output<typeof envSchema>;

export class EnvError extends Error {
  override readonly name = "EnvError";
}

/**
 * Parses settings from a source such as process.env. Throws an EnvError whose message is a single line naming
 * each bad variable and what is wrong with it; the message never repeats a value, since values may be secrets.
 */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.map(String).join(".") || "settings";
    return `${name} ${issue.message}`;
  });
  throw new EnvError(`Invalid settings: ${problems.join("; ")}`);
}

function loadEnvOrExit(): Env {
  try {
    return parseEnv(process.env);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    // One line naming the variable, not a stack trace: the person starting the server needs only that.
    console.error(error.message);
    process.exit(1);
  }
}

export const env: Env = loadEnvOrExit();
