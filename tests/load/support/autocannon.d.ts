// autocannon 9 ships no types: the part of its programmatic API the load test uses, as lib/run.js builds it.
declare module "autocannon" {
  type Method = "GET" | "POST";

  export type AutocannonRequest = {
    method?: Method;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  };

  export type AutocannonOptions = {
    url: string;
    connections: number;
    /** Seconds. */
    duration: number;
    /** Seconds a response may take before it counts as a timeout. */
    timeout?: number;
    method?: Method;
    headers?: Record<string, string>;
    body?: string;
    /** Sent in turn, over and over, on every connection. */
    requests?: AutocannonRequest[];
  };

  /** A histogram as autocannon reports it: latency in ms, requests per second, bytes per second. */
  export type Histogram = {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
  };

  export type AutocannonResult = {
    latency: Histogram;
    /** Per second; `total` is the responses received, `sent` the requests sent. */
    requests: Histogram & { sent: number };
    throughput: Histogram;
    /** Connection errors (refused, reset, …); timeouts are also counted here. */
    errors: number;
    timeouts: number;
    mismatches: number;
    resets: number;
    non2xx: number;
    statusCodeStats: Record<string, { count: number }>;
    "1xx": number;
    "2xx": number;
    "3xx": number;
    "4xx": number;
    "5xx": number;
    /** Seconds. */
    duration: number;
  };

  export default function autocannon(options: AutocannonOptions): Promise<AutocannonResult>;
}
