import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { withMachineLock } from "./lock.ts";

// The production builds the benchmark serves: the shop's (`next build`, into the project's .next as `npm run
// build` makes it) and the empty page's (tests/bench/empty-app, built by the same `next`). Both are built under the
// machine's build lock and then copied out of the repository, into a folder of the benchmark's own, and served from
// there: an end-to-end run that builds .next again meanwhile does not pull the build from under the benchmark's
// servers, and the benchmark never leaves a half-built .next behind it.
//
// The shop's copy is served with `next start <folder>`: the folder holds the copied .next and links to everything else
// next start reads (node_modules, next.config.mjs, public/, prisma/ for the health check's migrations …). The empty
// app is built and served in a workspace of its own (emptyAppWorkspace).

const ROOT = path.resolve(import.meta.dirname, "../../..");
/** The `next` command of an app folder: its own node_modules' (the shop's copy links to the repository's). */
export const nextBinIn = (dir: string) => path.join(dir, "node_modules/next/dist/bin/next");
const EMPTY_APP_SOURCE = path.join(ROOT, "tests/bench/empty-app");
/** What of .next a server does not read: the compiler's cache, a dev server's files, build traces. */
const NOT_SERVED = new Set(["cache", "dev", "trace", "diagnostics"]);
/** The packages an empty Next.js app is built from; their dependencies come along. */
const EMPTY_APP_PACKAGES = ["next", "react", "react-dom"];

export type Builds = {
  /** `next start <shopDir>` serves the shop; `<emptyAppDir>` the empty page. */
  shopDir: string;
  emptyAppDir: string;
  /** What was done: "built" now, or which existing build was taken. */
  shopBuild: string;
  emptyAppBuild: string;
  buildSeconds: number;
};

/** The benchmark's own folder for the copies, one per checkout (BENCH_BUILD_DIR to choose another). */
export function benchBuildRoot(): string {
  const checkout = createHash("sha256").update(ROOT).digest("hex").slice(0, 8);
  return process.env.BENCH_BUILD_DIR ?? path.join(os.tmpdir(), `seqr-shop-bench-${checkout}`);
}

function buildId(dir: string): { id: string; at: Date } | null {
  try {
    const file = path.join(dir, "BUILD_ID");
    return { id: fs.readFileSync(file, "utf8").trim(), at: fs.statSync(file).mtime };
  } catch {
    return null;
  }
}

/** `next build [dir]`, its output shown only when it fails; at most 10 minutes. */
async function nextBuild(cwd: string, env: Record<string, string>, say: (line: string) => void): Promise<void> {
  const started = Date.now();
  // The app's own `next` (the empty app's workspace has its own links to the packages), run in the app's folder.
  const child = spawn(process.execPath, [nextBinIn(cwd), "build"], {
    cwd,
    env: { ...process.env, ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const timer = setTimeout(() => child.kill("SIGKILL"), 600_000);
  const code = await new Promise<number | null>((resolve) => child.once("exit", (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  const what = path.relative(ROOT, cwd) || "(the shop)";
  if (code !== 0) throw new Error(`next build in ${what} failed (exit ${code}):\n${output}`);
  say(`  next build in ${what}: ${Math.round((Date.now() - started) / 1000)} s`);
}

/** A fresh folder `target` holding a copy of `distDir` as .next and links to the entries of `linkFrom` (but .next). */
function servingCopy(target: string, distDir: string, linkFrom: string): void {
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  const entries = fs.readdirSync(linkFrom).filter((entry) => entry !== ".next" && entry !== ".git");
  for (const entry of entries) fs.symlinkSync(path.join(linkFrom, entry), path.join(target, entry));
  // verbatimSymlinks: Turbopack links its external packages relatively (.next/node_modules/pino-… → ../../node_modules/pino).
  fs.cpSync(distDir, path.join(target, ".next"), {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => path.dirname(source) !== distDir || !NOT_SERVED.has(path.basename(source)),
  });
}

/** `source`'s tree again at `target`, its files hard-linked (copied across file systems), its links kept as they are. */
function linkTree(source: string, target: string): void {
  fs.mkdirSync(target, { recursive: true });
  for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
    const from = path.join(source, entry.name);
    const to = path.join(target, entry.name);
    if (entry.isDirectory()) linkTree(from, to);
    else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
    else {
      try {
        fs.linkSync(from, to);
      } catch {
        fs.copyFileSync(from, to);
      }
    }
  }
}

/** The installed packages `names` need, themselves included (dependencies, and the optional and peer ones installed). */
function dependencyClosure(names: readonly string[]): string[] {
  const found = new Set<string>();
  const queue = [...names];
  for (let name = queue.shift(); name !== undefined && found.size < 500; name = queue.shift()) {
    const manifest = path.join(ROOT, "node_modules", name, "package.json");
    if (found.has(name) || !fs.existsSync(manifest)) continue;
    found.add(name);
    const pkg = JSON.parse(fs.readFileSync(manifest, "utf8")) as Record<string, Record<string, string> | undefined>;
    queue.push(...Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies }));
  }
  return [...found];
}

/**
 * The empty app's own workspace at `dir`: a copy of tests/bench/empty-app and, in its node_modules, the installed
 * packages it is built from (hard links: no space, no time). Turbopack compiles nothing outside its root, and with the
 * repository as root it would take in the shop's proxy.ts and instrumentation.ts (empty-app/next.config.mjs).
 */
function emptyAppWorkspace(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(path.join(EMPTY_APP_SOURCE, "app"), path.join(dir, "app"), { recursive: true });
  fs.copyFileSync(path.join(EMPTY_APP_SOURCE, "next.config.mjs"), path.join(dir, "next.config.mjs"));
  fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name: "bench-empty-app", private: true, type: "module" }, null, 2)}\n`);
  for (const name of dependencyClosure(EMPTY_APP_PACKAGES)) linkTree(path.join(ROOT, "node_modules", name), path.join(dir, "node_modules", name));
}

/**
 * The builds to serve. By default both are built now. BENCH_REUSE_BUILD=1 builds nothing that exists: the shop's
 * newest production build (the project's .next, as the end-to-end tests leave it, or the benchmark's last copy),
 * and the empty app's last build (built when there is none).
 */
export async function prepareBuilds(options: { reuse: boolean; say: (line: string) => void }): Promise<Builds> {
  const { reuse, say } = options;
  const root = benchBuildRoot();
  const shopDir = path.join(root, "shop");
  const emptyAppDir = path.join(root, "empty-app");
  const started = Date.now();
  let shopBuild = "";
  let emptyAppBuild = "";

  await withMachineLock("build", say, async () => {
    const projectBuild = buildId(path.join(ROOT, ".next"));
    const lastCopy = buildId(path.join(shopDir, ".next"));
    if (!reuse || (!projectBuild && !lastCopy)) {
      say(`building the shop (next build${reuse ? ": no build to reuse" : ""})`);
      await nextBuild(ROOT, {}, say);
      servingCopy(shopDir, path.join(ROOT, ".next"), ROOT);
      shopBuild = `built now (BUILD_ID ${buildId(path.join(shopDir, ".next"))?.id})`;
    } else if (projectBuild && (!lastCopy || projectBuild.at >= lastCopy.at)) {
      servingCopy(shopDir, path.join(ROOT, ".next"), ROOT);
      shopBuild = `reused the project's .next (BUILD_ID ${projectBuild.id}, built ${projectBuild.at.toISOString()})`;
    } else if (lastCopy) {
      // The copy's links are made again: the project may have new top-level entries since.
      const kept = path.join(root, "shop-next-kept");
      fs.rmSync(kept, { recursive: true, force: true });
      fs.renameSync(path.join(shopDir, ".next"), kept);
      servingCopy(shopDir, kept, ROOT);
      fs.rmSync(kept, { recursive: true, force: true });
      shopBuild = `reused the benchmark's last copy (BUILD_ID ${lastCopy.id}, built ${lastCopy.at.toISOString()})`;
    }

    const emptyBuild = buildId(path.join(emptyAppDir, ".next"));
    if (!reuse || !emptyBuild) {
      say("building the empty page (tests/bench/empty-app, in a workspace of its own)");
      emptyAppWorkspace(emptyAppDir);
      await nextBuild(emptyAppDir, {}, say);
      emptyAppBuild = `built now (BUILD_ID ${buildId(path.join(emptyAppDir, ".next"))?.id})`;
    } else {
      emptyAppBuild = `reused the benchmark's last build (BUILD_ID ${emptyBuild.id}, built ${emptyBuild.at.toISOString()})`;
    }
  });
  return { shopDir, emptyAppDir, shopBuild, emptyAppBuild, buildSeconds: Math.round((Date.now() - started) / 1000) };
}

export { ROOT };
