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
    // deno task runs in the project folder; INIT_CWD is where the user typed the command.
    cwd: Deno.env.get("INIT_CWD") || Deno.cwd(),
  });
  Deno.exit(code);
}
