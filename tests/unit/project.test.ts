import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

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
    expect(commandUnder(/Run/)).toEqual(["npm ci && npm run setup && SEQR_MODE=sandbox npm start"]);
  });

  test("shows the test command alone on one line under a Test heading (CI runs exactly it: ci-run.test.ts)", () => {
    expect(commandUnder(/Test/)).toEqual(["npm test"]);
  });
});

describe("the README and docs/", () => {
  const pages = ["README.md", ...fs.readdirSync("docs").filter((name) => name.endsWith(".md")).map((name) => `docs/${name}`)];

  /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes. */
  const slug = (heading: string) =>
    heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, "")
      .replace(/ /g, "-");
  const anchorsOf = (file: string) =>
    new Set(
      fs
        .readFileSync(file, "utf8")
        .replace(/^```[\s\S]*?^```$/gm, "")
        .split("\n")
        .filter((line) => /^#+ /.test(line))
        .map((line) => slug(line.replace(/^#+ /, ""))),
    );

  test.each(pages)("every link in %s to a file or heading of the project leads somewhere", (page) => {
    const text = fs.readFileSync(page, "utf8").replace(/^```[\s\S]*?^```$/gm, "");
    const broken: string[] = [];
    for (const [, target = ""] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [file = "", anchor] = target.split("#");
      const resolved = file === "" ? page : path.join(path.dirname(page), file);
      if (!fs.existsSync(resolved)) broken.push(target);
      else if (anchor !== undefined && !anchorsOf(resolved).has(anchor)) broken.push(target);
    }
    expect(broken).toEqual([]);
  });

  test("the README links every page of docs/", () => {
    const linked = [...readme.matchAll(/\]\((docs\/[^)#\s]+\.md)/g)].map((match) => match[1]);
    expect(new Set(linked)).toEqual(new Set(pages.filter((page) => page !== "README.md")));
  });

  test("the README's settings table lists every setting lib/env.ts reads, and no other", () => {
    const envSource = fs.readFileSync("lib/env.ts", "utf8");
    const schema = envSource.slice(envSource.indexOf("const rawSchema"), envSource.indexOf("const LIVE_REQUIRED"));
    const read = [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]*): /gm)].map((match) => match[1]).filter((name) => name !== "NODE_ENV");
    const settings = readme.slice(readme.indexOf("## Settings"));
    const listed = [...settings.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((match) => match[1]);
    expect(read.length).toBeGreaterThan(20);
    expect([...listed].sort()).toEqual([...read].sort());
  });
});

describe("the top level", () => {
  // The project's own folders and the configuration files tools require at the root (DEVELOPERS.md, issue 12);
  // shared UI lives in app/_components, command-line entries beside the code they run.
  const ALLOWED = new Set([
    ".ci",
    ".git",
    ".gitignore",
    "README.md",
    "app",
    "docs",
    "eslint.config.mjs",
    "instrumentation.ts",
    "lib",
    "next.config.mjs",
    "package-lock.json",
    "package.json",
    "playwright.config.ts",
    "prisma",
    "prisma.config.ts",
    "proxy.ts",
    "public",
    "tests",
    "tsconfig.json",
    "vitest.config.ts",
  ]);

  test("holds only the project's own folders and the configuration files tools need there", () => {
    const tracked = new Set(
      execFileSync("git", ["ls-files"], { encoding: "utf8" })
        .split("\n")
        .filter(Boolean)
        .map((file) => file.split("/")[0] ?? file),
    );
    expect([...tracked].filter((name) => !ALLOWED.has(name)).sort()).toEqual([]);
  });
});
