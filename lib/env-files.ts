import nextEnv from "@next/env";

// Command-line entry points (Prisma's CLI, the seed, the reconciler) import this first, so that they read the
// same .env files as `next start` does and never touch another database than the server.
nextEnv.loadEnvConfig(process.cwd());
