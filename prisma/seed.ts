import "../lib/env-files.ts";

import { seedCatalog } from "../lib/catalog/seed-catalog.ts";
import { db } from "../lib/db.ts";
import { log } from "../lib/log.ts";

// `npm run db:seed`: the demo catalog. Safe to run again: existing products are never touched.
try {
  const { created, kept } = await seedCatalog(db);
  log.info({ created: created.length, kept: kept.length }, "catalog seeded");
} finally {
  await db.$disconnect();
}
