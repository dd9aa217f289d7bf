import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeEach, describe, expect, test } from "vitest";

// `npm test` sources tests/support/ensure-test-tools.sh before any test. It runs here in npm's sh against a
// made-up machine: PATH holds only stubs (apt-get, sudo, id, npm) that write down how they were called, so nothing
// is ever installed for real, and the Chromium it looks for is a file of the test's own.

const SCRIPT = path.resolve("tests/support/ensure-test-tools.sh");
const INSTALL_LINE =
  'npm test: the end-to-end tests need Debian\'s Chromium at CHROMIUM, and installing it needs root: run "sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium", then npm test again.';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "seqr-shop-ensure-tools-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

let machine: string;
let project: string;
let stubs: string;
let chromium: string;
let callLog: string;

function stub(name: string, body: string): void {
  const file = path.join(stubs, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`);
  fs.chmodSync(file, 0o755);
}

beforeEach(() => {
  machine = fs.mkdtempSync(path.join(scratch, "machine-"));
  project = path.join(machine, "main");
  stubs = path.join(machine, "bin");
  chromium = path.join(machine, "chromium");
  callLog = path.join(machine, "calls.log");
  fs.mkdirSync(path.join(project, "node_modules"), { recursive: true });
  fs.writeFileSync(path.join(project, "node_modules", ".package-lock.json"), "{}");
  fs.mkdirSync(stubs);
  for (const tool of ["dirname", "env", "chmod", "mkdir"]) fs.symlinkSync(`/usr/bin/${tool}`, path.join(stubs, tool));
  fs.writeFileSync(callLog, "");
  stub("id", '[ "$1" = "-u" ] && echo "$STUB_UID"');
  stub(
    "apt-get",
    [
      'echo "apt-get $* DEBIAN_FRONTEND=${DEBIAN_FRONTEND:-unset}" >> "$STUB_LOG"',
      '[ "$STUB_APT" = "fails" ] && exit 100',
      'if [ "$1" = "install" ]; then echo "#!/bin/sh" > "$ENSURE_TEST_TOOLS_CHROMIUM"; chmod +x "$ENSURE_TEST_TOOLS_CHROMIUM"; fi',
    ].join("\n"),
  );
  stub(
    "npm",
    [
      'echo "npm $* ENGINE=${PRISMA_SCHEMA_ENGINE_BINARY:-unset}" >> "$STUB_LOG"',
      'if [ "$1" = "ci" ]; then mkdir -p node_modules && echo "{}" > node_modules/.package-lock.json; fi',
    ].join("\n"),
  );
});

type Machine = { uid?: number; sudo?: "none" | "passwordless" | "asks-password"; apt?: "works" | "fails" | "none" };

/** Sources the script as `npm test` does, then reports what the test command's later steps would see. */
function runTestCommandStart(machineSetup: Machine = {}, callerEnv: Record<string, string> = {}) {
  const { uid = 0, sudo = "none", apt = "works" } = machineSetup;
  if (sudo !== "none") {
    stub(
      "sudo",
      [
        `if [ "$1" = "-n" ]; then exit ${sudo === "passwordless" ? 0 : 1}; fi`,
        'echo "sudo $*" >> "$STUB_LOG"',
        'exec "$@"',
      ].join("\n"),
    );
  }
  if (apt === "none") fs.rmSync(path.join(stubs, "apt-get"));
  const result = spawnSync(
    "/bin/sh",
    ["-c", `. '${SCRIPT}' && echo "reached the tests: ENGINE=\${PRISMA_SCHEMA_ENGINE_BINARY:-unset} TELEMETRY=\${NEXT_TELEMETRY_DISABLED:-unset}"`],
    {
      cwd: project,
      env: {
        NODE_ENV: "test",
        PATH: stubs,
        STUB_LOG: callLog,
        STUB_UID: String(uid),
        STUB_APT: apt,
        ENSURE_TEST_TOOLS_CHROMIUM: chromium,
        ...callerEnv,
      },
      encoding: "utf8",
    },
  );
  return {
    status: result.status,
    stdout: result.stdout,
    stderrLines: result.stderr.split("\n").filter((line) => line.trim() !== ""),
    calls: fs.readFileSync(callLog, "utf8").split("\n").filter(Boolean),
  };
}

function giveChromium(): void {
  fs.writeFileSync(chromium, "#!/bin/sh\n");
  fs.chmodSync(chromium, 0o755);
}

function giveEngineStandIn(): string {
  const engine = path.join(machine, "shared", "tools", "prisma-schema-engine", "schema-engine");
  fs.mkdirSync(path.dirname(engine), { recursive: true });
  fs.writeFileSync(engine, "");
  return engine;
}

describe("npm test's first step", () => {
  test("package.json's test script sources it before its first check, in the shell that runs every step", () => {
    const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };
    const steps = pkg.scripts.test?.split(" && ") ?? [];
    expect(steps[0]).toBe(". ./tests/support/ensure-test-tools.sh");
    expect(steps.slice(1)).toEqual([
      "npm run lint",
      "npm run typecheck",
      "npm run test:unit",
      "npm run test:integration",
      "npm run test:contract",
      "npm run test:e2e",
      "npm run test:load:quick",
    ]);
  });

  test("with everything in place it installs nothing, and the later steps see telemetry off", () => {
    giveChromium();
    const run = runTestCommandStart();
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([]);
    expect(run.stdout).toContain("reached the tests: ENGINE=unset TELEMETRY=1");
  });

  test("uses the schema engine stand-in beside the checkout, by absolute path, unless the caller chose an engine", () => {
    giveChromium();
    const engine = giveEngineStandIn();
    expect(runTestCommandStart().stdout).toContain(`reached the tests: ENGINE=${engine} TELEMETRY=1`);
    expect(runTestCommandStart({}, { PRISMA_SCHEMA_ENGINE_BINARY: "/opt/engine" }).stdout).toContain(
      "reached the tests: ENGINE=/opt/engine",
    );
  });

  test("on a fresh clone it runs `npm ci` (with the engine it chose) before anything else", () => {
    giveChromium();
    const engine = giveEngineStandIn();
    fs.rmSync(path.join(project, "node_modules"), { recursive: true });
    const run = runTestCommandStart();
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([`npm ci ENGINE=${engine}`]);
    expect(run.stdout).toContain("reached the tests");
  });

  test("as root without Chromium: apt-get update, then a non-interactive install of Debian's chromium", () => {
    const run = runTestCommandStart({ uid: 0 });
    expect(run.calls).toEqual([
      "apt-get update DEBIAN_FRONTEND=unset",
      "apt-get install -y --no-install-recommends chromium DEBIAN_FRONTEND=noninteractive",
    ]);
    expect(run.status).toBe(0);
    expect(fs.existsSync(chromium)).toBe(true);
    expect(run.stdout).toContain("reached the tests");
  });

  test("as a user with passwordless sudo: the same through sudo", () => {
    const run = runTestCommandStart({ uid: 1000, sudo: "passwordless" });
    expect(run.calls).toEqual([
      "sudo apt-get update",
      "apt-get update DEBIAN_FRONTEND=unset",
      "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium",
      "apt-get install -y --no-install-recommends chromium DEBIAN_FRONTEND=noninteractive",
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("reached the tests");
  });

  test.each([
    ["no sudo", "none"],
    ["sudo that asks for a password", "asks-password"],
  ] as const)("as a user with %s: stops before any test with one line saying what to install", (_, sudo) => {
    const run = runTestCommandStart({ uid: 1000, sudo });
    expect(run.status).toBe(1);
    expect(run.stderrLines).toEqual([INSTALL_LINE.replace("CHROMIUM", chromium)]);
    expect(run.calls).toEqual([]);
    expect(run.stdout).not.toContain("reached the tests");
  });

  test("when apt-get fails: stops before any test, saying what to run", () => {
    const run = runTestCommandStart({ uid: 0, apt: "fails" });
    expect(run.status).toBe(1);
    expect(run.stderrLines).toEqual([
      'npm test: installing Chromium failed (see above); run "apt-get update && apt-get install -y --no-install-recommends chromium" as root, then npm test again.',
    ]);
    expect(run.stdout).not.toContain("reached the tests");
  });

  test("on a machine without apt-get: stops before any test, naming the path Chromium must be at", () => {
    const run = runTestCommandStart({ uid: 0, apt: "none" });
    expect(run.status).toBe(1);
    expect(run.stderrLines).toEqual([
      `npm test: the end-to-end tests need Chromium at ${chromium} and this machine has no apt-get; install Chromium there, then run npm test again.`,
    ]);
  });
});
