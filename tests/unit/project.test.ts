import { execFileSync } from "node:child_process";
import fs from "node:fs";

import { describe, expect, test } from "vitest";

type PackageJson = {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  allowScripts: Record<string, boolean>;
};

const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")) as PackageJson;
const readme = fs.readFileSync("README.md", "utf8");

/** The one-line `sh` block under the first heading whose text matches `heading`. */
function commandUnder(heading: RegExp): string[] {
  const section = readme.split(/^#+ /m).find((part) => heading.test(part.split("\n")[0] ?? ""));
  const block = section?.match(/^```sh\n([\s\S]*?)^```$/m)?.[1] ?? "";
  return block.split("\n").filter((line) => line.trim() !== "");
}

describe("dependencies", () => {
  test("are pinned to exact versions", () => {
    const ranged = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }).filter(
      ([, version]) => !/^\d+\.\d+\.\d+$/.test(version),
    );
    expect(ranged).toEqual([]);
  });

  test.each([
    ["next", "16.4.6"],
    ["react", "19.3.1"],
    ["react-dom", "19.3.1"],
    ["zod", "4.6.7"],
    ["@prisma/client", "7.10.0"],
    ["@prisma/adapter-better-sqlite3", "7.10.0"],
    ["better-sqlite3", "12.11.1"],
    ["prisma", "7.10.1"],
    ["typescript", "5.9.3"],
    ["@playwright/test", "1.65.1"],
  ])("%s is the chosen %s", (name, version) => {
    expect(pkg.dependencies[name] ?? pkg.devDependencies[name]).toBe(version);
  });

  test("may run only the install scripts that were reviewed; Prisma's engine downloads are refused", () => {
    expect(pkg.allowScripts).toEqual({
      "better-sqlite3": true,
      esbuild: true,
      prisma: false,
      "@prisma/engines": false,
    });
  });
});

describe("the README", () => {
  test("shows the run command alone on one line under a Run heading", () => {
    expect(commandUnder(/Run/)).toEqual(["npm ci && npm run setup && npm start"]);
  });

  test("shows the test command alone on one line under a Test heading, and CI runs exactly it", () => {
    expect(commandUnder(/Test/)).toEqual(["npm test"]);
    const ciRun = fs.readFileSync(".ci/run", "utf8");
    const awkProgram = ciRun.match(/awk '([\s\S]*?)' README\.md/)?.[1];
    if (!awkProgram) throw new Error(".ci/run no longer reads its command from the README");
    expect(execFileSync("awk", [awkProgram, "README.md"], { encoding: "utf8" }).trim()).toBe("npm test");
  });
});
