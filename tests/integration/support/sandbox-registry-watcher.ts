// Another server process of the shop, on the same database, looking at the sandbox's registry again and again until
// its stdin closes. It prints "watching" after its first look, and at the end one JSON line: how many looks it made
// and the counts of each look that did not find the whole registry. tests/integration/sandbox-reset.test.ts runs it
// while the test process resets the sandbox.
import { db } from "../../../lib/db.ts";
import { env } from "../../../lib/env.ts";

let stopped = false;
process.stdin.on("end", () => {
  stopped = true;
});
process.stdin.resume();

const [subscribersExpected] = process.argv.slice(2);
const seen = { looks: 0, incomplete: [] as { terminals: number; services: number; subscribers: number }[] };
try {
  while (!stopped) {
    // One statement: the three counts are of one moment. (Not a transaction: on SQLite it would take the write
    // lock and wait behind each reset, which is not what is looked at here.)
    const [counts] = await db.$queryRaw<{ terminals: bigint; services: bigint; subscribers: bigint }[]>`
      SELECT (SELECT COUNT(*) FROM "SandboxTerminal" WHERE "id" = ${env.seqr.terminalId}) AS terminals,
             (SELECT COUNT(*) FROM "SandboxService" WHERE "id" = ${env.seqr.serviceId}) AS services,
             (SELECT COUNT(*) FROM "SandboxSubscriber") AS subscribers`;
    if (!counts) throw new Error("the counts' query answered no row");
    const [terminals, services, subscribers] = [counts.terminals, counts.services, counts.subscribers].map(Number) as [number, number, number];
    seen.looks += 1;
    if (terminals !== 1 || services !== 1 || subscribers !== Number(subscribersExpected)) {
      seen.incomplete.push({ terminals, services, subscribers });
    }
    if (seen.looks === 1) process.stdout.write("watching\n");
    // On SQLite the looks answer without I/O: let the event loop notice stdin's end.
    await new Promise((resolve) => setImmediate(resolve));
  }
} finally {
  await db.$disconnect();
}
process.stdout.write(`${JSON.stringify(seen)}\n`);
