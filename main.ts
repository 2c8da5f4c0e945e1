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
    write: (text) => {
      const bytes = new TextEncoder().encode(text);
      for (let at = 0; at < bytes.length;) at += Deno.stdout.writeSync(bytes.subarray(at));
    },
    onInterrupt: (cancel) => {
      Deno.addSignalListener("SIGINT", cancel);
      return () => Deno.removeSignalListener("SIGINT", cancel);
    },
    env: Deno.env.toObject(),
    cwd: callerFolder(),
  });
  Deno.exit(code);
}

/**
 * Where the user typed the command. `deno task` runs in the project folder and passes the
 * caller's folder as INIT_CWD; elsewhere an inherited INIT_CWD (e.g. from an npm script that
 * started us) is stale, so it counts only when we run in the project folder.
 */
function callerFolder(): string {
  const initCwd = Deno.env.get("INIT_CWD");
  const project = decodeURIComponent(new URL(".", import.meta.url).pathname).replace(/\/$/, "");
  return initCwd && Deno.cwd() === project ? initCwd : Deno.cwd();
}
