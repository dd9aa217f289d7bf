import "./lib/env-files.ts";

import { defineConfig } from "prisma/config";

import { env } from "./lib/env.ts";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: {
    path: "prisma/migrations",
    seed: "tsx prisma/seed.ts",
  },
  datasource: {
    url: env.databaseUrl,
  },
});
