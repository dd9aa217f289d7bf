import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

import { describe, expect, test } from "vitest";

import { merchantPasswordHash, verifyPassword } from "@/lib/admin/password";
import { createAdminSession, findAdminSession } from "@/lib/admin/sessions";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { hashSessionToken } from "@/lib/orders/ids";

// Admin sessions end for good when the password changes, in every server process at once (each request compares
// the session's password generation with the database's), and 12 h after sign-in however busy they have been.
// The other process is a real one: node with tsx's loader, its own Prisma client, the same SQLite file.

const execFileAsync = promisify(execFile);

const DETAILS = { address: "203.0.113.7", userAgent: "admin-session-lifetime test" };

/** A second server process started with `password` as ADMIN_PASSWORD; answers the generation it left stored. */
async function otherProcessWithPassword(password: string): Promise<number> {
  const { stdout } = await execFileAsync(
    process.execPath,
    ["--import", "tsx", path.resolve("tests/integration/support/admin-password-process.ts")],
    { env: { ...process.env, DATABASE_URL: env.databaseUrl, ADMIN_PASSWORD: password, LOG_LEVEL: "error" }, timeout: 30_000 },
  );
  return (JSON.parse(stdout.trim()) as { passwordGeneration: number }).passwordGeneration;
}

async function storedGeneration(): Promise<number> {
  return (await db.adminAccount.findUniqueOrThrow({ where: { id: "merchant" } })).passwordGeneration;
}

describe("a password changed by another process", () => {
  test("ends this process's sessions at their next request, and this process stops taking the old password", async () => {
    // This process has brought its ADMIN_PASSWORD into the database (its first admin request) and signed in.
    await merchantPasswordHash();
    const before = await storedGeneration();
    const token = await createAdminSession(DETAILS);
    expect(await findAdminSession(token)).not.toBeNull();

    // The other process starts with a new ADMIN_PASSWORD.
    expect(await otherProcessWithPassword("a-new-merchant-password-1")).toBe(before + 1);

    // A sign-in this process checked against the old password a moment before the change, whose session is
    // written just after it: of the old generation, so over at once.
    const lateToken = await createAdminSession(DETAILS, new Date(), before);

    expect(await findAdminSession(token)).toBeNull();
    expect(await findAdminSession(lateToken)).toBeNull();
    expect(await db.adminSession.count()).toBe(0);
    // This process still has the old ADMIN_PASSWORD in its settings; the database's hash is what sign-in checks.
    expect(await verifyPassword(await merchantPasswordHash(), env.admin.password)).toBe(false);
    expect(await verifyPassword(await merchantPasswordHash(), "a-new-merchant-password-1")).toBe(true);

    // A sign-in after the change gets a session of the new generation, which holds.
    const fresh = await createAdminSession(DETAILS);
    expect(await findAdminSession(fresh)).not.toBeNull();
    expect((await db.adminSession.findFirstOrThrow()).passwordGeneration).toBe(before + 1);
  });

  test("moves the generation on once when two processes notice the same change at once", async () => {
    const before = await storedGeneration();
    const generations = await Promise.all([
      otherProcessWithPassword("a-new-merchant-password-2"),
      otherProcessWithPassword("a-new-merchant-password-2"),
    ]);
    expect(generations).toEqual([before + 1, before + 1]);
    expect(await storedGeneration()).toBe(before + 1);
  });
});

describe("the absolute lifetime", () => {
  test("is 12 h by default (ADMIN_SESSION_MAX_AGE_MS)", () => {
    expect(env.admin.sessionMaxAgeMs).toBe(12 * 3_600_000);
  });

  test("ends a session 12 h after sign-in even when it was used a moment ago", async () => {
    await merchantPasswordHash();
    const now = new Date();
    const oldToken = await createAdminSession(DETAILS, now);
    const youngToken = await createAdminSession(DETAILS, now);
    // Both used 5 s ago, well inside the idle timeout; one signed in 12 h and a minute ago, one a minute short of it.
    const recently = new Date(now.getTime() - 5_000);
    const backdate = (token: string, signedInMsAgo: number) =>
      db.adminSession.update({
        where: { tokenHash: hashSessionToken(token) },
        data: { createdAt: new Date(now.getTime() - signedInMsAgo), lastSeenAt: recently },
      });
    await backdate(oldToken, 12 * 3_600_000 + 60_000);
    await backdate(youngToken, 12 * 3_600_000 - 60_000);

    expect(await findAdminSession(oldToken, { now })).toBeNull();
    expect(await findAdminSession(youngToken, { now })).not.toBeNull();
    // The ended session is gone from the database, not merely refused.
    expect(await db.adminSession.findUnique({ where: { tokenHash: hashSessionToken(oldToken) } })).toBeNull();
  });
});
