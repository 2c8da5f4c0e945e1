/** Runs the real `plugd` CLI (`deno run -A main.ts …`) as a user would, for tests and benches. */
import { runCli } from "../../src/cli/mod.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** What a CLI run printed and its exit code. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `plugd <args>` as a separate process; `env` is added to the inherited environment. */
export async function runPlugd(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

/** Runs the CLI in this process (faster; no new Deno start), with an empty environment. */
export async function runPlugdInProcess(args: string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    out: (t) => (stdout += t + "\n"),
    err: (t) => (stderr += t + "\n"),
    env: {},
  });
  return { code, stdout, stderr };
}
