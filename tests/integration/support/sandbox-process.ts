// A sandbox server in a process of its own, as a second `next start` would be: it prints its URL on stdout and
// serves until it is stopped. tests/integration/sandbox-processes.test.ts runs two against one database.
import { startSandboxServer } from "./sandbox-server.ts";

const server = await startSandboxServer();
process.stdout.write(`${server.url}\n`);
process.on("SIGTERM", () => {
  void server.close().finally(() => process.exit(0));
});
