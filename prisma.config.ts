import "./lib/env-files.ts";

import { defineConfig } from "prisma/config";

import { env } from "./lib/env.ts";

// One set of models (prisma/models.prisma), a folder per database: DATABASE_URL picks the folder, so
// `npm run db:migrate` applies SQLite's migrations to a file: URL and PostgreSQL's to a postgresql:// URL.
const folder = `prisma/${env.database.provider}`;

export default defineConfig({
  schema: folder,
  migrations: {
    path: `${folder}/migrations`,
    seed: "tsx prisma/seed.ts",
  },
  datasource: {
    url: env.databaseUrl,
  },
});
