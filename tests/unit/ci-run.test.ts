import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, describe, expect, test } from "vitest";

// CI (.ci/run) must run exactly the README's test command and add nothing a reader of the README would not get:
// whatever the tests need, the command gets by itself (tests/support/ensure-test-tools.sh).

const readme = fs.readFileSync("README.md", "utf8");
const ciRun = fs.readFileSync(".ci/run", "utf8");

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "seqr-shop-ci-run-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** The README's test command as a reader finds it: the `sh` block under the first heading that says "Test". */
function readmeTestCommand(): string[] {
  const section = readme.split(/^#+ /m).find((part) => /Test/.test(part.split("\n")[0] ?? ""));
  const block = section?.match(/^```sh\n([\s\S]*?)^```$/m)?.[1] ?? "";
  return block.split("\n").filter((line) => line.trim() !== "");
}

/**
 * Runs .ci/run on a copy of the checkout's README in a folder of its own, with stubs first on PATH for every
 * tool that could install or run anything (npm, npx, node, apt-get, sudo…); each writes down how it was called,
 * and npm also what it was given in its environment.
 */
function runCi(callerEnv: Record<string, string>) {
  const root = fs.mkdtempSync(path.join(scratch, "checkout-"));
  const stubs = path.join(root, "stubs");
  fs.mkdirSync(path.join(root, ".ci"));
  fs.mkdirSync(stubs);
  fs.copyFileSync(".ci/run", path.join(root, ".ci", "run"));
  fs.copyFileSync("README.md", path.join(root, "README.md"));
  const calls = path.join(root, "calls.log");
  const npmEnv = path.join(root, "npm-env.json");
  fs.writeFileSync(calls, "");
  for (const tool of ["npm", "npx", "node", "pnpm", "yarn", "corepack", "apt", "apt-get", "sudo", "curl", "wget", "playwright"]) {
    const record = tool === "npm" ? `\n'${process.execPath}' -e 'process.stdout.write(JSON.stringify(process.env))' > '${npmEnv}'` : "";
    fs.writeFileSync(path.join(stubs, tool), `#!/bin/sh\necho "${tool} $*" >> '${calls}'${record}\n`);
    fs.chmodSync(path.join(stubs, tool), 0o755);
  }
  const env = { NODE_ENV: "test" as const, PATH: `${stubs}:/usr/bin:/bin`, HOME: root, ...callerEnv };
  const result = spawnSync("bash", [path.join(root, ".ci", "run")], { cwd: root, env, encoding: "utf8" });
  return {
    status: result.status,
    stderr: result.stderr,
    calls: fs.readFileSync(calls, "utf8").split("\n").filter(Boolean),
    /** The environment .ci/run was started with. */
    given: env as Record<string, string>,
    npmEnv: fs.existsSync(npmEnv) ? (JSON.parse(fs.readFileSync(npmEnv, "utf8")) as Record<string, string>) : null,
  };
}

describe(".ci/run", () => {
  test("reads the same one-line command from the README as a reader does", () => {
    const command = readmeTestCommand();
    expect(command).toHaveLength(1);
    const awkProgram = ciRun.match(/awk '([\s\S]*?)' README\.md/)?.[1];
    if (!awkProgram) throw new Error(".ci/run no longer reads its command from the README");
    expect(execFileSync("awk", [awkProgram, "README.md"], { encoding: "utf8" }).trim()).toBe(command[0]);
  });

  test("runs that command and nothing else: no install of its own", () => {
    const run = runCi({});
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.calls).toEqual(readmeTestCommand());
  });

  test("gives the command the caller's environment, marked as CI's, and nothing else", () => {
    const callerEnv = { SOME_SETTING: "kept", LANG: "C.UTF-8" };
    const run = runCi(callerEnv);
    if (!run.npmEnv) throw new Error("the README's command never ran");
    // What any shell adds by itself.
    const shellOwn = new Set(["PWD", "OLDPWD", "SHLVL", "_"]);
    const added = Object.fromEntries(
      Object.entries(run.npmEnv).filter(
        ([name, value]) => !shellOwn.has(name) && value !== run.given[name],
      ),
    );
    expect(run.npmEnv).toMatchObject(callerEnv);
    expect(added).toEqual({ CI: "true" });
  });

  test("sets up no tool by itself: no apt-get, Chromium, Prisma engine or npm install in its text", () => {
    const code = ciRun
      .split("\n")
      .filter((line) => !line.trimStart().startsWith("#"))
      .join("\n");
    expect(code).not.toMatch(/apt-get|chromium|PRISMA_SCHEMA_ENGINE_BINARY|\.\.\/shared|npm (ci|install|i)\b|NEXT_TELEMETRY/i);
    expect(code.match(/^[ \t]*export .*/gm)).toEqual(['export CI="${CI:-true}"']);
  });

  test("refuses a README whose Test block is not one line", () => {
    const root = fs.mkdtempSync(path.join(scratch, "bad-readme-"));
    fs.mkdirSync(path.join(root, ".ci"));
    fs.copyFileSync(".ci/run", path.join(root, ".ci", "run"));
    fs.writeFileSync(path.join(root, "README.md"), "# Shop\n\n## Test it\n\n```sh\nnpm ci\nnpm test\n```\n");
    const result = spawnSync("bash", [path.join(root, ".ci", "run")], { cwd: root, encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^README\.md: expected one line in the sh block under the Test heading/);
  });
});
