import path from "node:path";
import { fileURLToPath } from "node:url";

// The floor the shop's pages are compared with (tests/bench/run.ts, docs/performance.md): an empty Next.js page,
// built by the repository's own `next` in the same run as the shop. The benchmark builds a copy of this folder in a
// workspace of its own (tests/bench/support/build.ts), with links to the packages it needs, and this setting keeps
// Turbopack inside that copy: with the repository as its root, Turbopack would compile the shop's own proxy.ts and
// instrumentation.ts into the empty app (it looks for them at the workspace root).
const here = path.dirname(fileURLToPath(import.meta.url));

/** @type {import('next').NextConfig} */
const nextConfig = {
  turbopack: { root: here },
  outputFileTracingRoot: here,
};

export default nextConfig;
