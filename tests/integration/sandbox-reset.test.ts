import { afterAll, expect, test } from "vitest";

import { createPrismaClient } from "@/lib/db";
import { env } from "@/lib/env";
import { ensureSandboxRegistry, TEST_SUBSCRIBERS } from "@/lib/sandbox/registry";
import { resetSandbox } from "@/lib/sandbox/reset";

// Several server processes share one sandbox (its state is in the database). A reset through one of them must never
// show the others a sandbox without its terminal, service or subscribers: their SEQR calls would fail ("unknown
// terminal") until the resetting process had rebuilt them, or for good if it died in between, since each process
// builds the registry once.

// Another server process, as far as the database can tell: a client with connections of its own.
const otherProcess = createPrismaClient(env.databaseUrl);
afterAll(() => otherProcess.$disconnect());

test("another process never sees the sandbox without its registry while one resets it", async () => {
  await ensureSandboxRegistry();
  const seen: { terminals: number; services: number; subscribers: number }[] = [];
  let resetting = true;
  const watching = (async () => {
    while (resetting) {
      // One statement: the three counts are of one moment. (Not a transaction: on SQLite a transaction takes the
      // write lock from its BEGIN, and waiting for it synchronously in the process whose own client holds it
      // would stop the reset it waits for. A real other process waits without stopping this one.)
      const [counts] = await otherProcess.$queryRaw<{ terminals: bigint; services: bigint; subscribers: bigint }[]>`
        SELECT (SELECT COUNT(*) FROM "SandboxTerminal" WHERE "id" = ${env.seqr.terminalId}) AS terminals,
               (SELECT COUNT(*) FROM "SandboxService" WHERE "id" = ${env.seqr.serviceId}) AS services,
               (SELECT COUNT(*) FROM "SandboxSubscriber") AS subscribers`;
      if (!counts) throw new Error("the counts' query answered no row");
      seen.push({ terminals: Number(counts.terminals), services: Number(counts.services), subscribers: Number(counts.subscribers) });
    }
  })();
  try {
    for (let reset = 0; reset < 25; reset += 1) await resetSandbox();
  } finally {
    resetting = false;
    await watching;
  }
  expect(seen.length).toBeGreaterThan(25);
  const incomplete = seen.filter((counts) => counts.terminals !== 1 || counts.services !== 1 || counts.subscribers !== TEST_SUBSCRIBERS.length);
  expect(incomplete, `${incomplete.length} of ${seen.length} looks saw the registry incomplete`).toEqual([]);
});
