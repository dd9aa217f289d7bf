import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeEach, describe, expect, test } from "vitest";

import { DEBIAN_JEMALLOC } from "@/tests/support/jemalloc";

// `npm test` sources tests/support/ensure-test-tools.sh before any test. It runs here in npm's sh against a
// made-up machine: PATH holds only stubs (apt-get, sudo, id, npm) that write down how they were called, so nothing
// is ever installed for real, and the Chromium, PostgreSQL 15 and jemalloc it looks for are files of the test's own.

const SCRIPT = path.resolve("tests/support/ensure-test-tools.sh");
const INSTALL_LINE =
  'npm test: the end-to-end tests need Debian\'s Chromium at CHROMIUM, and installing it needs root: run "sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium", then npm test again.';
const POSTGRES_INSTALL_LINE =
  'npm test: the PostgreSQL tests need Debian\'s PostgreSQL 15 at POSTGRES, and installing it needs root: run "sudo apt-get update && sudo apt-get install -y --no-install-recommends postgresql", then npm test again.';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "seqr-shop-ensure-tools-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

let machine: string;
let project: string;
let stubs: string;
let chromium: string;
let postgres: string;
let jemalloc: string;
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
  postgres = path.join(machine, "postgresql", "15", "bin", "postgres");
  jemalloc = path.join(machine, "lib", "libjemalloc.so.2");
  callLog = path.join(machine, "calls.log");
  fs.mkdirSync(path.join(project, "node_modules"), { recursive: true });
  fs.writeFileSync(path.join(project, "node_modules", ".package-lock.json"), "{}");
  fs.mkdirSync(stubs);
  for (const tool of ["dirname", "env", "chmod", "mkdir"]) fs.symlinkSync(`/usr/bin/${tool}`, path.join(stubs, tool));
  fs.writeFileSync(callLog, "");
  // jemalloc is in place unless a test removes it: a shared library, read but not executed (mode 644, as Debian's).
  fs.mkdirSync(path.dirname(jemalloc), { recursive: true });
  fs.writeFileSync(jemalloc, "");
  stub("id", '[ "$1" = "-u" ] && echo "$STUB_UID"');
  stub(
    "apt-get",
    [
      'echo "apt-get $* DEBIAN_FRONTEND=${DEBIAN_FRONTEND:-unset}" >> "$STUB_LOG"',
      '[ "$STUB_APT" = "fails" ] && exit 100',
      // "installs-elsewhere": the package exists but puts its files elsewhere (another Debian release's PostgreSQL).
      '[ "$1" != "install" ] || [ "$STUB_APT" = "installs-elsewhere" ] && exit 0',
      "for package; do",
      '  case "$package" in',
      '    chromium) installed="$ENSURE_TEST_TOOLS_CHROMIUM" ;;',
      '    postgresql) installed="$ENSURE_TEST_TOOLS_POSTGRES" ;;',
      '    libjemalloc2) installed="$ENSURE_TEST_TOOLS_JEMALLOC" ;;',
      "    *) continue ;;",
      "  esac",
      '  mkdir -p "$(dirname "$installed")" && echo "#!/bin/sh" > "$installed" && chmod +x "$installed"',
      "done",
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

type Machine = {
  uid?: number;
  sudo?: "none" | "passwordless" | "asks-password";
  apt?: "works" | "fails" | "installs-elsewhere" | "none";
};

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
        ENSURE_TEST_TOOLS_POSTGRES: postgres,
        ENSURE_TEST_TOOLS_JEMALLOC: jemalloc,
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

function giveProgram(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, "#!/bin/sh\n");
  fs.chmodSync(file, 0o755);
}

function giveChromium(): void {
  giveProgram(chromium);
}

function givePostgres(): void {
  giveProgram(postgres);
}

function giveEngineStandIn(): string {
  const engine = path.join(machine, "shared", "tools", "prisma-schema-engine", "schema-engine");
  fs.mkdirSync(path.dirname(engine), { recursive: true });
  fs.writeFileSync(engine, "");
  return engine;
}

/** As root, without `file`: apt-get update, then a non-interactive install of `debianPackage`, and the tests run. */
function expectInstalledAsRoot(debianPackage: string, file: string): void {
  const run = runTestCommandStart({ uid: 0 });
  expect(run.calls).toEqual([
    "apt-get update DEBIAN_FRONTEND=unset",
    `apt-get install -y --no-install-recommends ${debianPackage} DEBIAN_FRONTEND=noninteractive`,
  ]);
  expect(run.status).toBe(0);
  expect(fs.existsSync(file)).toBe(true);
  expect(run.stdout).toContain("reached the tests");
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
      "npm run test:integration:postgresql",
      "npm run test:contract",
      "npm run test:e2e",
      // The same build, served again on PostgreSQL (tests/e2e/support/run-on-postgresql.ts).
      "npm run test:e2e:postgresql -- --reuse-build",
      "npm run test:load:quick",
    ]);
  });

  test("with everything in place it installs nothing, and the later steps see telemetry off", () => {
    giveChromium();
    givePostgres();
    const run = runTestCommandStart();
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([]);
    expect(run.stdout).toContain("reached the tests: ENGINE=unset TELEMETRY=1");
  });

  test("uses the schema engine stand-in beside the checkout, by absolute path, unless the caller chose an engine", () => {
    giveChromium();
    givePostgres();
    const engine = giveEngineStandIn();
    expect(runTestCommandStart().stdout).toContain(`reached the tests: ENGINE=${engine} TELEMETRY=1`);
    expect(runTestCommandStart({}, { PRISMA_SCHEMA_ENGINE_BINARY: "/opt/engine" }).stdout).toContain(
      "reached the tests: ENGINE=/opt/engine",
    );
  });

  test("on a fresh clone it runs `npm ci` (with the engine it chose) before anything else", () => {
    giveChromium();
    givePostgres();
    const engine = giveEngineStandIn();
    fs.rmSync(path.join(project, "node_modules"), { recursive: true });
    const run = runTestCommandStart();
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([`npm ci ENGINE=${engine}`]);
    expect(run.stdout).toContain("reached the tests");
  });

  test("as root without Chromium: apt-get update, then a non-interactive install of Debian's chromium", () => {
    givePostgres();
    expectInstalledAsRoot("chromium", chromium);
  });

  test("as a user with passwordless sudo: the same through sudo", () => {
    givePostgres();
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
    givePostgres();
    const run = runTestCommandStart({ uid: 1000, sudo });
    expect(run.status).toBe(1);
    expect(run.stderrLines).toEqual([INSTALL_LINE.replace("CHROMIUM", chromium)]);
    expect(run.calls).toEqual([]);
    expect(run.stdout).not.toContain("reached the tests");
  });

  test("when apt-get fails: stops before any test, saying what to run", () => {
    givePostgres();
    const run = runTestCommandStart({ uid: 0, apt: "fails" });
    expect(run.status).toBe(1);
    expect(run.stderrLines).toEqual([
      'npm test: installing Chromium failed (see above); run "apt-get update && apt-get install -y --no-install-recommends chromium" as root, then npm test again.',
    ]);
    expect(run.stdout).not.toContain("reached the tests");
  });

  test("on a machine without apt-get: stops before any test, naming the path Chromium must be at", () => {
    givePostgres();
    const run = runTestCommandStart({ uid: 0, apt: "none" });
    expect(run.status).toBe(1);
    expect(run.stderrLines).toEqual([
      `npm test: the end-to-end tests need Chromium at ${chromium} and this machine has no apt-get; install Chromium there, then run npm test again.`,
    ]);
  });
});

// The integration, contract and end-to-end suites also run on a PostgreSQL 15 server they start from the machine's
// binaries (tests/support/postgres-server.ts): where those are missing, Debian's postgresql package is installed
// the same way as Chromium.
describe("npm test's first step, for the suites on PostgreSQL", () => {
  test("its default is the path the tests start PostgreSQL from", () => {
    expect(fs.readFileSync(SCRIPT, "utf8")).toContain('"${ENSURE_TEST_TOOLS_POSTGRES:-/usr/lib/postgresql/15/bin/postgres}"');
    expect(fs.readFileSync("tests/support/postgres-server.ts", "utf8")).toContain('const POSTGRES_BIN = "/usr/lib/postgresql/15/bin";');
  });

  test("as root without PostgreSQL 15: apt-get update, then a non-interactive install of Debian's postgresql", () => {
    giveChromium();
    expectInstalledAsRoot("postgresql", postgres);
  });

  test("on a fresh machine without either: Chromium, then PostgreSQL, each installed", () => {
    const run = runTestCommandStart({ uid: 1000, sudo: "passwordless" });
    expect(run.calls.filter((call) => call.startsWith("sudo "))).toEqual([
      "sudo apt-get update",
      "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium",
      "sudo apt-get update",
      "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql",
    ]);
    expect(run.status).toBe(0);
    expect(fs.existsSync(chromium) && fs.existsSync(postgres)).toBe(true);
    expect(run.stdout).toContain("reached the tests");
  });

  test.each([
    ["no sudo", "none"],
    ["sudo that asks for a password", "asks-password"],
  ] as const)("as a user with %s: stops before any test with one line saying what to install", (_, sudo) => {
    giveChromium();
    const run = runTestCommandStart({ uid: 1000, sudo });
    expect(run.status).toBe(1);
    expect(run.stderrLines).toEqual([POSTGRES_INSTALL_LINE.replace("POSTGRES", postgres)]);
    expect(run.calls).toEqual([]);
    expect(run.stdout).not.toContain("reached the tests");
  });

  test("when apt-get fails: stops before any test, saying what to run", () => {
    giveChromium();
    const run = runTestCommandStart({ uid: 0, apt: "fails" });
    expect(run.status).toBe(1);
    expect(run.stderrLines).toEqual([
      'npm test: installing PostgreSQL 15 failed (see above); run "apt-get update && apt-get install -y --no-install-recommends postgresql" as root, then npm test again.',
    ]);
    expect(run.stdout).not.toContain("reached the tests");
  });

  test("when Debian's postgresql is another version than 15: stops before any test, naming the missing path", () => {
    giveChromium();
    const run = runTestCommandStart({ uid: 0, apt: "installs-elsewhere" });
    expect(run.status).toBe(1);
    expect(run.stderrLines).toEqual([
      `npm test: apt-get installed postgresql but ${postgres} is still missing; install Debian's postgresql package, then run npm test again.`,
    ]);
    expect(run.stdout).not.toContain("reached the tests");
  });

  test("on a machine without apt-get: stops before any test, naming the path PostgreSQL 15 must be at", () => {
    giveChromium();
    const run = runTestCommandStart({ uid: 0, apt: "none" });
    expect(run.status).toBe(1);
    expect(run.stderrLines).toEqual([
      `npm test: the PostgreSQL tests need PostgreSQL 15 at ${postgres} and this machine has no apt-get; install PostgreSQL 15 there, then run npm test again.`,
    ]);
  });
});

describe("npm test's first step, for the end-to-end server and npm start's tests (npm start runs on jemalloc)", () => {
  test("its default is the path lib/start-server.sh looks at first", () => {
    expect(fs.readFileSync(SCRIPT, "utf8")).toContain(`"\${ENSURE_TEST_TOOLS_JEMALLOC:-${DEBIAN_JEMALLOC}}"`);
    const candidates = /for candidate in([\s\S]*?); do/.exec(fs.readFileSync("lib/start-server.sh", "utf8"))?.[1];
    expect(candidates?.split(/[\s\\]+/).find(Boolean)).toBe(DEBIAN_JEMALLOC);
  });

  test("as root without jemalloc: apt-get update, then a non-interactive install of Debian's libjemalloc2", () => {
    giveChromium();
    givePostgres();
    fs.rmSync(jemalloc);
    expectInstalledAsRoot("libjemalloc2", jemalloc);
  });

  test("as a user without sudo: stops before any test with one line saying what to install", () => {
    giveChromium();
    givePostgres();
    fs.rmSync(jemalloc);
    const run = runTestCommandStart({ uid: 1000 });
    expect(run.status).toBe(1);
    expect(run.stderrLines).toEqual([
      `npm test: the end-to-end server and npm start's tests need Debian's jemalloc at ${jemalloc}, and installing it needs root: run "sudo apt-get update && sudo apt-get install -y --no-install-recommends libjemalloc2", then npm test again.`,
    ]);
    expect(run.calls).toEqual([]);
  });
});
