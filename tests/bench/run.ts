// `npm run bench`: issue 18's benchmark. Not a test (npm test does not run it): a measurement of the shop as it is
// when it runs, each row a ratio against its floor measured side by side in the same run (absolute values alongside,
// for reference only), printed as one table and written as JSON under tests/bench/results/ (git-ignored). What each
// row means, and how to read it: docs/performance.md.
//
// It builds the shop and an empty Next.js page (tests/bench/empty-app) under the machine's build lock and serves
// copies of both with `next start` on loopback ports of its own (support/build.ts), on databases of its own (a
// SQLite file for the shop, as it runs by default; PostgreSQL 15 for the reconciler's capacity and, beside SQLite,
// for its sweeps). SEQR is the sandbox's own SOAP handler, served by a process of its own that answers every call
// SANDBOX_ANSWER_DELAY_MS (50) late. Every loop is bounded in count and in time. A row whose number cannot be
// vouched for (no answer, an unexpected status, too few samples, a zero) is NOT MEASURED, named on stderr, and the
// run exits 1; a row that misses its goal is only marked MISS.
//
// Settings: BENCH_REUSE_BUILD=1 (serve the newest existing build instead of building: the project's .next or the
// benchmark's last copy), BENCH_QUICK=1 (tiny counts: proves every row works, measures nothing worth keeping),
// SANDBOX_ANSWER_DELAY_MS (50), BENCH_BUILD_DIR (where the served copies live), BENCH_LOCK=off.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { postgresBinariesPresent, startPostgres, type PostgresServer } from "../support/postgres-server.ts";
import { prepareBuilds, ROOT, type Builds } from "./support/build.ts";
import { postgresDatabase, sqliteDatabase } from "./support/databases.ts";
import { describeLoad, type LoadRun } from "./support/load.ts";
import { withMachineLock } from "./support/lock.ts";
import { freePort, memoryAllocatorOf, startConversation, startHelper, startNextServer, startProcess, type Started } from "./support/processes.ts";
import {
  describeGoal,
  formatValue,
  kib,
  markdownTable,
  measured,
  median,
  ratio,
  rowVerdict,
  samples,
  unmeasuredLines,
  UnmeasuredError,
  type Goal,
  type RowOutcome,
  type TableRow,
} from "./support/stats.ts";

const QUICK = process.env.BENCH_QUICK === "1";
const REUSE_BUILD = process.env.BENCH_REUSE_BUILD === "1";
const ANSWER_DELAY_MS = Number(process.env.SANDBOX_ANSWER_DELAY_MS ?? 50);

/** The sizes of the full run (about 4 minutes on 2 cores, builds aside) and of the quick one (BENCH_QUICK=1). */
const SIZES = QUICK
  ? {
      catalog: { connections: 4, seconds: 2, warmupSeconds: 0.5, rounds: 1 },
      notificationToPaid: { count: 5 },
      notificationThroughput: { connections: 4, orders: 200, maxSeconds: 5, minimumResponses: 10 },
      lostNotification: { payments: 8, payWindowMs: 2_000, settleMs: 3_000, waitMs: 15_000 },
      memory: { requests: 400, connections: 4, maxSeconds: 30, restSeconds: 2, startSeconds: 2 },
      history: { orders: 500, repeats: 5 },
      capacity: { firstLoad: 40, maxSteps: 1, settleMs: 4_500, watchMs: 2_500, budgetMs: 16_000, narrowings: 0 },
    }
  : {
      catalog: { connections: 10, seconds: 6, warmupSeconds: 2, rounds: 2 },
      notificationToPaid: { count: 30 },
      notificationThroughput: { connections: 32, orders: 2_500, maxSeconds: 8, minimumResponses: 100 },
      lostNotification: { payments: 60, payWindowMs: 8_000, settleMs: 3_000, waitMs: 25_000 },
      memory: { requests: 10_000, connections: 10, maxSeconds: 90, restSeconds: 75, startSeconds: 45 },
      history: { orders: 10_000, repeats: 41 },
      capacity: { firstLoad: 500, maxSteps: 4, settleMs: 4_500, watchMs: 4_500, budgetMs: 45_000, narrowings: 1 },
    };

/** 10000 → "10 000", as the issue writes it. */
const thousands = (count: number) => String(count).replace(/\B(?=(\d{3})+(?!\d))/g, " ");

const startedAt = Date.now();
const say = (line: string) => process.stdout.write(`[${String(Math.round((Date.now() - startedAt) / 1000)).padStart(3)} s] ${line}\n`);

// Prisma's schema engine for the migrations: the offline stand-in beside the checkout where Prisma cannot download
// its own, as npm test's first step finds it (tests/support/ensure-test-tools.sh).
const engineStandIn = path.resolve(ROOT, "../shared/tools/prisma-schema-engine/schema-engine");
if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY && fs.existsSync(engineStandIn)) process.env.PRISMA_SCHEMA_ENGINE_BINARY = engineStandIn;

// --- the rows -----------------------------------------------------------------------------------------------------

type RowDefinition = { row: string; compares: string; unit: string; goal: Goal };

const table: TableRow[] = [];
const details: Record<string, unknown> = {};

/** Measures one row: its outcome, or NOT MEASURED with the reason. Never throws. */
async function measureRow(definition: RowDefinition, measure: () => Promise<RowOutcome>): Promise<void> {
  const rowStarted = Date.now();
  say(`${definition.row}: measuring`);
  try {
    const outcome = await measure();
    const value = measured(definition.row, outcome.value);
    table.push({ ...definition, value, absolute: outcome.absolute });
    details[definition.row] = { ...outcome.details, seconds: Math.round((Date.now() - rowStarted) / 1000) };
    say(`${definition.row}: ${formatValue(value, definition.unit)} (goal ${describeGoal(definition.goal, definition.unit)}) ${outcome.absolute}`);
  } catch (error) {
    const problem = error instanceof UnmeasuredError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    table.push({ ...definition, value: null, absolute: "", problem: problem.split("\n")[0] ?? problem });
    details[definition.row] = { problem, seconds: Math.round((Date.now() - rowStarted) / 1000) };
    say(`${definition.row}: NOT MEASURED: ${problem}`);
  }
}

/** Marks rows NOT MEASURED when what they needed could not be set up. */
function setupFailed(definitions: RowDefinition[], error: unknown): void {
  const problem = error instanceof Error ? error.message : String(error);
  for (const definition of definitions) {
    table.push({ ...definition, value: null, absolute: "", problem: `set-up failed: ${problem.split("\n")[0]}` });
    details[definition.row] = { problem };
  }
  say(`set-up failed for ${definitions.map((definition) => definition.row).join(", ")}: ${problem}`);
}

const ROWS = {
  lostNotification: {
    row: "lost notification → commit",
    compares: `payment to the getPaymentStatus that sees PAID, notification dropped (p99; p50 alongside)`,
    unit: "s",
    goal: { atMost: 5 },
  },
  notificationToPaid: {
    row: "notification → PAID",
    compares: "notification POST to the order PAID, vs one bare getPaymentStatus round trip (p50s)",
    unit: "×",
    goal: { atMost: 1.3 },
  },
  notificationThroughput: {
    row: "notification throughput",
    compares: "notifications/s handled, vs a bare node:http server doing the same database write and SOAP call",
    unit: "×",
    goal: { atLeast: 0.5 },
  },
  firstLoad: (page: string, limit: number): RowDefinition => ({
    row: `first-load JS ${page}`,
    compares: "gzip bytes of the scripts the page loads, vs an empty Next.js page",
    unit: "×",
    goal: { atMost: limit },
  }),
  catalog: (page: string): RowDefinition => ({
    row: `catalog throughput ${page}`,
    compares: "requests/s, vs the empty page under next start",
    unit: "×",
    goal: { atLeast: 0.5 },
  }),
  capacity: {
    row: "reconciler capacity",
    compares: `live invoices one process keeps with every look ≤ 3 s apart (SEQR answering in ${ANSWER_DELAY_MS} ms)`,
    unit: "invoices",
    goal: { atLeast: 500 },
  },
  history: (database: string): RowDefinition => ({
    row: `reconciler with history (${database})`,
    compares: `one sweep's time with ${thousands(SIZES.history.orders)} finished orders in the database, vs with none (medians, asked in turn)`,
    unit: "×",
    goal: { atMost: 1.1 },
  }),
  memory: {
    row: "memory",
    compares: `RSS of the server after ${thousands(SIZES.memory.requests)} mixed requests (at rest), vs after start`,
    unit: "×",
    goal: { atMost: 1.2 },
  },
} satisfies Record<string, RowDefinition | ((...args: never[]) => RowDefinition)>;

const FIRST_LOAD_PAGES: [page: string, limit: number][] = [
  ["/order", 1.1],
  ["/success", 1.1],
  ["/failure", 1.1],
  ["/cancel", 1.1],
  ["/checkout/<id>", 1.15],
  ["/", 1.15],
  ["/products/<sku>", 1.15],
];

// --- the run ------------------------------------------------------------------------------------------------------

const cleanups: (() => Promise<unknown>)[] = [];
async function cleanUp() {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => say(`clean-up: ${String(error)}`));
}
process.once("SIGINT", () => void cleanUp().finally(() => process.exit(130)));

const work = fs.mkdtempSync(path.join(os.tmpdir(), "seqr-shop-bench-run-"));
cleanups.push(async () => fs.rmSync(work, { recursive: true, force: true }));
const loadAtStart = os.loadavg();
let builds: Builds | undefined;
/** What the shop's server allocates memory with, read once it answers. */
let shopAllocator: ReturnType<typeof memoryAllocatorOf> | undefined;

try {
  say(`issue 18's benchmark${QUICK ? " (BENCH_QUICK=1: tiny counts, a smoke run)" : ""}: ${os.cpus().length} cores, load average ${loadAtStart[0]?.toFixed(2)}`);
  builds = await prepareBuilds({ reuse: REUSE_BUILD, say });
  say(`builds: the shop ${builds.shopBuild}; the empty page ${builds.emptyAppBuild}`);

  await shopRows(builds);
  await historyRows();
  await capacityRow();
} catch (error) {
  say(`the benchmark stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
report();

/** Everything measured against the running shop, in an order that keeps one row's after-effects off the next. */
async function shopRows(served: Builds): Promise<void> {
  const firstLoadRows = FIRST_LOAD_PAGES.map(([page, limit]) => ROWS.firstLoad(page, limit));
  const shopRowNames = [
    ROWS.memory,
    ...firstLoadRows,
    ROWS.catalog("/"),
    ROWS.catalog("/products/<sku>"),
    ROWS.notificationToPaid,
    ROWS.lostNotification,
    ROWS.notificationThroughput,
  ];
  let setup: Awaited<ReturnType<typeof startShop>>;
  try {
    setup = await startShop(served);
  } catch (error) {
    setupFailed(shopRowNames, error);
    return;
  }
  const { shop, shopRows: rows, data, emptyUrl, bareUrl, pages, skus } = setup;

  // First, while the server has served nothing else: its memory after 10 000 mixed requests.
  await measureRow(ROWS.memory, async () => {
    const start = await rows.memoryAfterStart(shop, SIZES.memory);
    const html = await (await fetch(`${shop.url}/`, { signal: AbortSignal.timeout(30_000) })).text();
    const script = /\/_next\/static\/[^"]+?\.js/.exec(html)?.[0];
    if (!script) throw new UnmeasuredError("the home page names no script to request");
    const mix = [
      "/",
      `/products/${skus[0]}`,
      `/products/${skus[1]}`,
      "/cart",
      `/checkout/${pages.checkout.clientInvoiceId}`,
      "/order",
      "/success",
      "/api/health",
      `/api/orders/${pages.checkout.clientInvoiceId}/status`,
      script,
      "/no-such-page",
    ].map((mixPath) => ({ path: mixPath }));
    // 429: the status route's rate limit (600 a minute from one address) answers most of its share; 404: the last path.
    return rows.memoryAfterRequests(shop, start, mix, [200, 404, 429], SIZES.memory);
  });

  await withMachineLock("browser", say, async () => {
    const { launchChromium, pageWeight } = await import("./rows/first-load-js.ts");
    let empty: Awaited<ReturnType<typeof pageWeight>> | null = null;
    let emptyProblem: unknown = null;
    let browser: Awaited<ReturnType<typeof launchChromium>>;
    try {
      browser = await launchChromium();
    } catch (error) {
      setupFailed(firstLoadRows, error);
      return;
    }
    try {
      try {
        empty = await pageWeight(browser, `${emptyUrl}/`);
        details["first-load JS, the empty page"] = empty;
      } catch (error) {
        emptyProblem = error;
      }
      const urls: Record<string, { url: string; cookies?: { name: string; value: string }[] }> = {
        "/order": { url: `${shop.url}/order#${pages.token}` },
        "/success": { url: `${shop.url}/success#${pages.token}_${pages.invoiceReference}` },
        "/failure": { url: `${shop.url}/failure#${pages.token}` },
        "/cancel": { url: `${shop.url}/cancel#${pages.token}` },
        "/checkout/<id>": { url: `${shop.url}/checkout/${pages.checkout.clientInvoiceId}`, cookies: [{ name: "cart", value: pages.checkout.cartId }] },
        "/": { url: `${shop.url}/` },
        "/products/<sku>": { url: `${shop.url}/products/${skus[0]}` },
      };
      for (const [page, limit] of FIRST_LOAD_PAGES) {
        await measureRow(ROWS.firstLoad(page, limit), async () => {
          if (!empty) throw new UnmeasuredError(`the empty page: ${emptyProblem instanceof Error ? emptyProblem.message : String(emptyProblem)}`);
          const target = urls[page];
          if (!target) throw new UnmeasuredError(`no address for ${page}`);
          const weight = await pageWeight(browser, target.url, target.cookies);
          return {
            value: ratio(`first-load JS ${page}`, weight.gzipBytes, empty.gzipBytes),
            absolute: `${kib(weight.gzipBytes)} (${weight.scripts} scripts; ${kib(weight.wireBytes)} on the wire) vs ${kib(empty.gzipBytes)} (${empty.scripts} scripts)`,
            details: { page: weight, empty },
          };
        });
      }
    } finally {
      await browser.close();
    }
  });

  let catalog: Record<string, LoadRun> | null = null;
  let catalogProblem: unknown = null;
  try {
    say("catalog throughput: the empty page (prerendered, and rendered per request), / and /products/<sku>, side by side");
    catalog = await rows.throughputSideBySide(
      { empty: `${emptyUrl}/`, emptyPerRequest: `${emptyUrl}/per-request`, home: `${shop.url}/`, product: `${shop.url}/products/${skus[0]}` },
      SIZES.catalog,
    );
  } catch (error) {
    catalogProblem = error;
  }
  for (const [page, key] of [["/", "home"], ["/products/<sku>", "product"]] as const) {
    await measureRow(ROWS.catalog(page), async () => {
      if (!catalog) throw catalogProblem instanceof Error ? catalogProblem : new UnmeasuredError(String(catalogProblem));
      const [measuredLoad, floor, perRequest] = [catalog[key], catalog.empty, catalog.emptyPerRequest];
      if (!measuredLoad || !floor || !perRequest) throw new UnmeasuredError("a target was not loaded");
      // Beside the floor the issue sets (the empty page, prerendered: a file), the same page rendered per request, as
      // every shop page must be (docs/performance.md, "The catalog cache"): how much of the gap is rendering itself.
      const againstPerRequest = ratio(`catalog throughput ${page} (vs per request)`, measuredLoad.perSecond, perRequest.perSecond);
      return {
        value: ratio(`catalog throughput ${page}`, measuredLoad.perSecond, floor.perSecond),
        absolute:
          `${describeLoad(measuredLoad)} vs ${describeLoad(floor)}, ${SIZES.catalog.connections} connections; ` +
          `${againstPerRequest.toFixed(2)}× the empty page rendered per request (${describeLoad(perRequest)})`,
        details: { page: measuredLoad, empty: floor, emptyPerRequest: perRequest },
      };
    });
  }

  await measureRow(ROWS.notificationToPaid, () => rows.notificationToPaid(shop, setup.template, SIZES.notificationToPaid.count));
  await measureRow(ROWS.lostNotification, () =>
    rows.lostNotification(setup.template, { ...SIZES.lostNotification, invoiceTimeoutMs: data.invoiceTimeoutMs }),
  );
  // Last on this server: its outbox is busy for a while after a burst of payments.
  await measureRow(ROWS.notificationThroughput, () => rows.notificationThroughput(shop, bareUrl, setup.template, SIZES.notificationThroughput));
  await setup.stop();
}

/** The shop's database, SEQR, the shop, the empty page and the bare notification server, all started and ready. */
async function startShop(served: Builds) {
  say("starting: databases, SEQR (the sandbox), the shop, the empty page, the bare notification server");
  const template = await sqliteDatabase(work, "template");
  const shopDatabase = await sqliteDatabase(work, "shop", template.file);
  const shopPort = await freePort();
  const shopUrl = `http://127.0.0.1:${shopPort}`;
  const common = { DATABASE_URL: shopDatabase.url, PUBLIC_BASE_URL: shopUrl, SEQR_MODE: "sandbox" };

  const sandbox = await startHelper<{ url: string }>("SEQR (the sandbox)", "tests/bench/support/seqr-sandbox.ts", {
    ...common,
    LOG_LEVEL: "warn",
    SANDBOX_ANSWER_DELAY_MS: String(ANSWER_DELAY_MS),
  });
  cleanups.push(sandbox.started.stop);
  const seqrSettings = { ...common, SEQR_SOAP_URL: sandbox.ready.url };

  // This process's own use of the shop's code (placing orders, the app's payments, the bare round trips).
  Object.assign(process.env, { ...seqrSettings, LOG_LEVEL: "warn" });
  const data = await import("./support/shop-data.ts");
  const shopRows = await import("./rows/shop-rows.ts");
  const { seedCatalog } = await import("../../lib/catalog/seed-catalog.ts");
  const { env } = await import("../../lib/env.ts");
  await seedCatalog(data.db);
  const products = await data.db.product.findMany({ where: { active: true, stock: { gt: 10 } }, orderBy: [{ stock: "desc" }, { sku: "asc" }], take: 2 });
  const skus = products.map((product) => product.sku);
  if (skus.length < 2) throw new Error("the seeded catalog has fewer than two products in stock");

  // The shop as it runs in production: started as `npm start` starts it, with its defaults (reconciler and outbox
  // worker on, LOG_LEVEL info).
  const shopServer = await startNextServer("the shop (npm start)", served.shopDir, shopPort, seqrSettings, "/api/health", { asNpmStart: true });
  cleanups.push(shopServer.stop);
  shopAllocator = memoryAllocatorOf(shopServer.pid);
  say(`the shop serves at ${shopUrl} (pid ${shopServer.pid}, on ${shopAllocator})`);

  const emptyPort = await freePort();
  const emptyServer = await startNextServer("the empty page (next start)", served.emptyAppDir, emptyPort, {}, "/");
  cleanups.push(emptyServer.stop);
  const bare = await startHelper<{ url: string }>("the bare notification server", "tests/bench/support/bare-notification-server.ts", { ...seqrSettings, LOG_LEVEL: "warn" });
  cleanups.push(bare.started.stop);

  const template0 = await data.placeInvoicedOrder(skus[0] as string);
  const checkout = await data.placeCheckoutOrder(skus[1] as string);
  const token = await data.scanOrderCode(template0.clientInvoiceId);
  const sandboxCallsUrl = new URL("/bench/calls", sandbox.ready.url).toString();
  const shop = {
    url: shopUrl,
    pid: shopServer.pid,
    sandboxCalls: async () => (await (await fetch(sandboxCallsUrl)).json()) as Record<string, number>,
  };
  const stop = async () => {
    for (const started of [bare.started, emptyServer, shopServer, sandbox.started] as Started[]) await started.stop();
    await data.db.$disconnect();
  };
  return {
    shop,
    shopRows,
    data: { ...data, invoiceTimeoutMs: env.orders.invoiceTimeoutMs },
    template: template0,
    emptyUrl: `http://127.0.0.1:${emptyPort}`,
    bareUrl: bare.ready.url,
    skus,
    pages: { token, invoiceReference: template0.invoiceReference, checkout },
    stop,
  };
}

/**
 * One sweep with and without 10 000 finished orders, on SQLite and on PostgreSQL: two helpers per database (one on a
 * database without history, one with), asked in turn (ABBA), so that the machine's ups and downs fall on both sides.
 */
async function historyRows(): Promise<void> {
  const { orders, repeats } = SIZES.history;
  const historyRow = (database: string, databaseUrls: () => Promise<{ empty: string; history: string }>) =>
    measureRow(ROWS.history(database), async () => {
      const urls = await databaseUrls();
      const start = (which: "empty" | "history") =>
        startConversation(`the sweeps on ${database} (${which})`, "tests/bench/rows/sweep-history.ts", {
          DATABASE_URL: urls[which],
          SEQR_MODE: "sandbox",
          LOG_LEVEL: "warn",
          BENCH_HISTORY_ORDERS: String(which === "empty" ? 0 : orders),
        }, 180_000);
      const empty = await start("empty");
      cleanups.push(empty.end);
      const history = await start("history");
      cleanups.push(history.end);
      try {
        const finished = { empty: Number(empty.ready.finishedOrders), history: Number(history.ready.finishedOrders) };
        if (finished.empty !== 0) throw new UnmeasuredError(`the database without history holds ${finished.empty} finished orders`);
        if (!(finished.history >= orders)) throw new UnmeasuredError(`only ${finished.history} finished orders were written`);
        const times = async (command: string, count: number) => {
          const measuredTimes = { empty: [] as number[], history: [] as number[] };
          for (let round = 0; round < count; round += 1) {
            const pair = round % 2 === 0 ? (["empty", "history"] as const) : (["history", "empty"] as const);
            for (const which of pair) {
              const answer = await (which === "empty" ? empty : history).ask(command);
              measuredTimes[which].push(Number(answer.ms));
            }
          }
          return { empty: samples(`${command}, no history`, measuredTimes.empty, count), history: samples(`${command}, history`, measuredTimes.history, count) };
        };
        const sweep = await times("sweep", repeats);
        const dispatch = await times("dispatch", Math.ceil(repeats / 3));
        const [sweepEmpty, sweepHistory] = [median(sweep.empty), median(sweep.history)];
        return {
          value: ratio(`the sweep on ${database}`, sweepHistory, sweepEmpty),
          absolute:
            `${sweepHistory.toFixed(2)} ms vs ${sweepEmpty.toFixed(2)} ms (medians of ${repeats}; ${finished.history} finished orders); ` +
            `a dispatch with nothing due ${median(dispatch.history).toFixed(2)} ms vs ${median(dispatch.empty).toFixed(2)} ms`,
          details: { finished, writeSeconds: history.ready.writeSeconds, sweepMs: sweep, dispatchMs: dispatch },
        };
      } finally {
        await empty.end();
        await history.end();
      }
    });

  await historyRow("SQLite", async () => {
    const template = path.join(work, "template.db");
    if (!fs.existsSync(template)) await sqliteDatabase(work, "template");
    const empty = await sqliteDatabase(work, "history-none", template);
    const history = await sqliteDatabase(work, "history-10k", template);
    return { empty: empty.url, history: history.url };
  });
  let postgres: PostgresServer | undefined;
  await historyRow("PostgreSQL", async () => {
    if (!postgresBinariesPresent()) throw new UnmeasuredError("PostgreSQL 15 is not installed (apt-get install -y postgresql)");
    postgres = await startPostgres();
    cleanups.push(() => postgres?.stop() ?? Promise.resolve());
    // Migrated once; the two databases are copies of it.
    await postgresDatabase(postgres, "migrated");
    return { empty: await postgresDatabase(postgres, "history_none", "migrated"), history: await postgresDatabase(postgres, "history_10k", "migrated") };
  });
  await postgres?.stop();
}

/**
 * tests/bench/reconciler-processes.ts, shortened: one process only, searching up from 500 live invoices for a few
 * steps. It starts its own PostgreSQL and plays SEQR itself, answering ANSWER_DELAY_MS late.
 */
async function capacityRow(): Promise<void> {
  await measureRow(ROWS.capacity, async () => {
    if (!postgresBinariesPresent()) throw new UnmeasuredError("PostgreSQL 15 is not installed (apt-get install -y postgresql)");
    const resultFile = path.join(work, "capacity.json");
    const sizes = SIZES.capacity;
    const child = startProcess("the reconciler capacity search", process.execPath, ["--import", "tsx", "tests/bench/reconciler-processes.ts"], {
      env: {
        ...process.env,
        BENCH_PROCESS_COUNTS: "1",
        BENCH_FIRST_LOAD: String(sizes.firstLoad),
        BENCH_MAX_STEPS: String(sizes.maxSteps),
        BENCH_SETTLE_MS: String(sizes.settleMs),
        BENCH_WATCH_MS: String(sizes.watchMs),
        BENCH_SEARCH_BUDGET_MS: String(sizes.budgetMs),
        BENCH_NARROWINGS: String(sizes.narrowings),
        BENCH_RESULT_FILE: resultFile,
        SANDBOX_ANSWER_DELAY_MS: String(ANSWER_DELAY_MS),
      },
    });
    cleanups.push(child.stop);
    const limitMs = sizes.budgetMs + 120_000;
    const timer = setTimeout(() => void child.stop(), limitMs);
    await new Promise<void>((resolve) => {
      if (child.child.exitCode !== null) resolve();
      else child.child.once("exit", () => resolve());
    });
    clearTimeout(timer);
    if (!fs.existsSync(resultFile)) throw new UnmeasuredError(`the search wrote no result (exit ${child.child.exitCode}):\n${child.outputTail()}`);
    const result = JSON.parse(fs.readFileSync(resultFile, "utf8")) as {
      rows: { invoicesKept: number | null; firstNotKept: number | null; worstGapAtCapacityMs: number | null; looksPerSecondAtCapacity: number | null; machineBusyPercentWhenMissed: number | null }[];
      problems: string[];
      tried: unknown;
    };
    const one = result.rows[0];
    if (!one?.invoicesKept) {
      throw new UnmeasuredError(
        `no load was kept, down to ${one?.firstNotKept ?? "the smallest tried"} live invoices (a broken reconciler, or a machine too busy to measure on): ${result.problems.join("; ")}`,
      );
    }
    const floor = one.firstNotKept === null;
    // Problems that leave the number standing (a load measured while other programs ran, the search ending
    // before a load was missed) are shown with it; the JSON keeps them all.
    return {
      value: one.invoicesKept,
      absolute:
        `${floor ? "at least " : ""}${one.invoicesKept} kept${floor ? " (no load missed within the bounds)" : `, missed at ${one.firstNotKept}`}; ` +
        `worst gap ${((one.worstGapAtCapacityMs ?? 0) / 1000).toFixed(2)} s, ${one.looksPerSecondAtCapacity} looks/s` +
        (result.problems.length > 0 ? `; note: ${result.problems.join("; ")}` : ""),
      details: result,
    };
  });
}

function report(): void {
  // Every row, in the issue's order; one the run never reached (it stopped on an error) is not measured either.
  const all = [
    ROWS.lostNotification,
    ROWS.notificationToPaid,
    ROWS.notificationThroughput,
    ...FIRST_LOAD_PAGES.map(([page, limit]) => ROWS.firstLoad(page, limit)),
    ROWS.catalog("/"),
    ROWS.catalog("/products/<sku>"),
    ROWS.capacity,
    ROWS.history("SQLite"),
    ROWS.history("PostgreSQL"),
    ROWS.memory,
  ];
  for (const definition of all) {
    if (!table.some((row) => row.row === definition.row)) {
      table.push({ ...definition, value: null, absolute: "", problem: "not reached: the benchmark stopped before this row (see its output)" });
    }
  }
  const order = all.map((definition) => definition.row);
  const rows = table.toSorted((a, b) => order.indexOf(a.row) - order.indexOf(b.row));
  const seconds = Math.round((Date.now() - startedAt) / 1000);
  const loadAtEnd = os.loadavg();
  const header =
    `Benchmark (issue 18), ${new Date().toISOString()}: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown CPU"}), Node.js ${process.version}, ` +
    `the shop on ${shopAllocator ?? "an allocator not read (it did not start)"}, SEQR answering in ${ANSWER_DELAY_MS} ms, ${seconds} s${builds ? ` (builds ${builds.buildSeconds} s)` : ""}${QUICK ? ", BENCH_QUICK=1 (a smoke run: tiny counts)" : ""}`;
  const busy = Math.max(loadAtStart[0] ?? 0, loadAtEnd[0] ?? 0) > os.cpus().length * 0.5;
  process.stdout.write(
    `\n${header}\n\n${markdownTable(rows)}\n\n` +
      (busy ? `Note: the machine was busy (load average ${loadAtStart[0]?.toFixed(1)} at the start, ${loadAtEnd[0]?.toFixed(1)} at the end): other programs shared its cores.\n\n` : ""),
  );

  const resultsDir = path.join(ROOT, "tests/bench/results");
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `bench-${new Date().toISOString().replaceAll(":", "-").slice(0, 19)}${QUICK ? "-quick" : ""}.json`);
  fs.writeFileSync(
    file,
    `${JSON.stringify(
      {
        benchmark: "issue 18",
        measuredAt: new Date().toISOString(),
        seconds,
        quick: QUICK,
        machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? null, node: process.version, loadAverage: { start: loadAtStart, end: loadAtEnd } },
        shopAllocator: shopAllocator ?? null,
        settings: { answerDelayMs: ANSWER_DELAY_MS, reuseBuild: REUSE_BUILD, sizes: SIZES },
        builds: builds ?? null,
        rows: rows.map((row) => ({ ...row, verdict: rowVerdict(row) })),
        details,
      },
      null,
      2,
    )}\n`,
  );
  say(`written to ${path.relative(ROOT, file)}`);
  const failures = unmeasuredLines(rows);
  for (const line of failures) process.stderr.write(`${line}\n`);
  if (failures.length > 0 || rows.length === 0) process.exitCode = 1;
}
