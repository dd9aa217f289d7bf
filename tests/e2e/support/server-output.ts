import { stripVTControlCharacters } from "node:util";

// What a `next start` the tests spawn printed on stderr.

/**
 * Next.js's own line at every start about the one setting the catalog cache needs (`experimental.useCache`:
 * docs/performance.md, "The catalog cache"). It comes before the shop's code runs; what the shop says comes after.
 */
const NEXT_USE_CACHE_WARNING = /^⚠ `experimental\.useCache` is deprecated\./;

/** The non-blank lines of `stderr`, without Next.js's `experimental.useCache` line. */
export function serverErrorLines(stderr: string): string[] {
  // Next colours its ⚠ (terminal escapes, even into a pipe).
  return stderr.split("\n").filter((line) => line.trim() !== "" && !NEXT_USE_CACHE_WARNING.test(stripVTControlCharacters(line).trim()));
}
