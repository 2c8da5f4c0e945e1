/**
 * plugd: a secure-by-default plugin daemon. This entry point only wires the CLI to the
 * process; `plugd daemon` runs the daemon, every other command is a client or a local tool.
 *
 * @module
 */
import { runCli } from "./src/cli/mod.ts";

if (import.meta.main) {
  const code = await runCli(Deno.args, {
    out: (text) => console.log(text),
    err: (text) => console.error(text),
    env: Deno.env.toObject(),
  });
  Deno.exit(code);
}
