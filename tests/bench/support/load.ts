import autocannon from "autocannon";

import { UnmeasuredError } from "./stats.ts";

// HTTP load with autocannon 9 (devDependency, as the load test uses it; its programmatic API: `autocannon(opts)`
// returns a thenable instance with `stop()`, see node_modules/autocannon/README.md). Every run is bounded twice: by
// its own duration or request count, and by `maxSeconds`, after which it is stopped and counted as it stands.

type Method = "GET" | "POST";
type RawRequest = { method?: Method; path?: string; headers?: Record<string, string>; body?: string };

/** The part of autocannon's options the benchmark uses (typed here: the load test's own declaration types fewer). */
type BenchOptions = {
  url: string;
  connections: number;
  duration?: number;
  /** Requests in all; takes precedence over duration. */
  amount?: number;
  timeout?: number;
  method?: Method;
  headers?: Record<string, string>;
  body?: string;
  requests?: (RawRequest & { setupRequest?: (request: RawRequest) => RawRequest })[];
};
/** The part of autocannon's result the benchmark reads (its README, "Results"), whichever typings are installed. */
type Result = {
  duration: number;
  errors: number;
  timeouts: number;
  latency: { p50: number; p99: number };
  statusCodeStats: Record<string, { count: number | string }>;
};
type Instance = PromiseLike<Result> & { stop: () => void; on: (event: "start" | "response", listener: () => void) => void };
const run = autocannon as unknown as (options: BenchOptions) => Instance;

export type LoadRun = {
  responses: number;
  seconds: number;
  perSecond: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  stoppedAtLimit: boolean;
};

export type LoadOptions = {
  url: string;
  connections: number;
  /** Run this long (s), or until `amount` responses. */
  seconds?: number;
  amount?: number;
  /** The hard bound, in seconds. */
  maxSeconds: number;
  method?: Method;
  headers?: Record<string, string>;
  body?: string;
  /** Sent in turn on every connection. */
  requests?: RawRequest[];
  /** Called for every request: where it goes and what it carries (each call may return another one). */
  next?: () => RawRequest;
};

export async function httpLoad(options: LoadOptions): Promise<LoadRun> {
  const started = Date.now();
  const nextRequest = options.next;
  const requests = nextRequest ? [{ setupRequest: (request: RawRequest) => ({ ...request, ...nextRequest() }) }] : options.requests;
  // Only what is set: autocannon takes an option given as undefined for a value (`method: undefined` breaks it).
  const instance = run({
    url: options.url,
    connections: options.connections,
    ...(options.amount === undefined ? { duration: options.seconds ?? options.maxSeconds } : { amount: options.amount }),
    timeout: Math.max(10, Math.ceil(options.maxSeconds)),
    ...(options.method ? { method: options.method } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(requests ? { requests } : {}),
  });
  // The rate over the time the responses came in: autocannon ends a run on its next one-second tick, so its own
  // duration can hold up to a second of nothing after the last response (an `amount` reached early).
  let firstSentAt = Date.now();
  let lastResponseAt = 0;
  instance.on("start", () => {
    firstSentAt = Date.now();
  });
  instance.on("response", () => {
    lastResponseAt = Date.now();
  });
  let stoppedAtLimit = false;
  const limit = setTimeout(() => {
    stoppedAtLimit = true;
    instance.stop();
  }, options.maxSeconds * 1000);
  let result: Result;
  try {
    result = await instance;
  } finally {
    clearTimeout(limit);
  }
  const seconds = lastResponseAt > firstSentAt ? (lastResponseAt - firstSentAt) / 1000 : result.duration || (Date.now() - started) / 1000;
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, Number(count)]));
  const responses = Object.values(statuses).reduce((sum, count) => sum + count, 0);
  return {
    responses,
    seconds,
    perSecond: responses / seconds,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    stoppedAtLimit,
  };
}

/**
 * The run, when it is a measurement: at least `minimum` responses, none with a status outside `allowed`, no
 * connection error, no timeout. Otherwise UnmeasuredError naming what went wrong.
 */
export function checkedLoad(what: string, load: LoadRun, allowed: readonly number[], minimum: number): LoadRun {
  const unexpected = Object.entries(load.statuses).filter(([status]) => !allowed.includes(Number(status)));
  if (unexpected.length > 0) throw new UnmeasuredError(`${what}: unexpected answers ${JSON.stringify(Object.fromEntries(unexpected))}`);
  if (load.errors > 0 || load.timeouts > 0) throw new UnmeasuredError(`${what}: ${load.errors} connection errors, ${load.timeouts} timeouts`);
  if (load.responses < minimum) throw new UnmeasuredError(`${what}: ${load.responses} responses, at least ${minimum} needed`);
  return load;
}

/** "189 req/s (p50 52 ms, p99 120 ms, 1134 responses)". */
export function describeLoad(load: LoadRun): string {
  return `${Math.round(load.perSecond)}/s (p50 ${load.latencyP50Ms} ms, p99 ${load.latencyP99Ms} ms, ${load.responses} in ${load.seconds.toFixed(1)} s)`;
}
