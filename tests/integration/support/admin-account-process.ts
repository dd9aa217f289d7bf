// Another server process of the shop, on the same database, doing one thing to the admin's accounts and printing
// what it saw as one JSON line. tests/integration/admin-session-lifetime.test.ts runs it beside the test process:
//   switch-off <accountId> <byAccountId>   an owner switches a person off (lib/admin/staff.ts)
//   session <token>                        whether a session is live here (lib/admin/sessions.ts)
import { findAdminSession } from "../../../lib/admin/sessions.ts";
import { switchOff } from "../../../lib/admin/staff.ts";
import { db } from "../../../lib/db.ts";

const [command, first = "", second = ""] = process.argv.slice(2);
try {
  if (command === "switch-off") {
    const by = await db.adminAccount.findUniqueOrThrow({ where: { id: second } });
    const outcome = await switchOff(first, { accountId: by.id, name: by.name, email: by.email, role: by.role });
    process.stdout.write(`${JSON.stringify(outcome)}\n`);
  } else if (command === "session") {
    const session = await findAdminSession(first);
    process.stdout.write(`${JSON.stringify({ live: session !== null, accountId: session?.accountId ?? null })}\n`);
  } else {
    throw new Error(`unknown command ${command ?? "(none)"}`);
  }
} finally {
  await db.$disconnect();
}
