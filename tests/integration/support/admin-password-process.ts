// Another server process of the shop, started with its own ADMIN_PASSWORD: as on its first admin request, it
// brings the setting into the database (lib/admin/password.ts), then prints the account's password generation.
// tests/integration/admin-session-lifetime.test.ts runs it beside the test process, on the same database.
import { merchantPasswordHash } from "../../../lib/admin/password.ts";
import { db } from "../../../lib/db.ts";

await merchantPasswordHash();
const { passwordGeneration } = await db.adminAccount.findUniqueOrThrow({ where: { id: "merchant" } });
process.stdout.write(`${JSON.stringify({ passwordGeneration })}\n`);
await db.$disconnect();
