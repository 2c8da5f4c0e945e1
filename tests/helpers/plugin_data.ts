/**
 * A plugin's `$DATA` as an operator reaches it: the plain folder `<state>/data/<id>`, or, where
 * plugd gives each plugin a volume, that folder inside plugd's own mount namespace (named by
 * `nsenter --mount=` in the plugin's launch command).
 */
import { join } from "node:path";
import type { TestDaemon } from "./daemon.ts";

async function namespaceOf(daemon: TestDaemon, id: string): Promise<string | undefined> {
  const res = await daemon.fetchSocket(`/v1/plugins/${id}/flags`);
  const { argv } = await res.json() as { argv: string[] };
  return argv.find((a) => a.startsWith("--mount="))?.slice("--mount=".length);
}

async function inNamespace(ns: string, script: string, input?: string): Promise<string> {
  const child = new Deno.Command("nsenter", {
    args: [`--mount=${ns}`, "--", "/bin/sh", "-c", script],
    stdin: input === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (input !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(input));
    await w.close();
  }
  const out = await child.output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

/** Writes `text` to `rel` in the plugin's `$DATA`, as root. */
export async function writePluginData(
  daemon: TestDaemon,
  id: string,
  rel: string,
  text: string,
): Promise<void> {
  const path = join(daemon.stateDir, "data", id, rel);
  const ns = await namespaceOf(daemon, id);
  if (ns === undefined) return await Deno.writeTextFile(path, text);
  await inNamespace(ns, `cat > '${path}'`, text);
}

/** Reads `rel` from the plugin's `$DATA`, as root. */
export async function readPluginData(daemon: TestDaemon, id: string, rel: string): Promise<string> {
  const path = join(daemon.stateDir, "data", id, rel);
  const ns = await namespaceOf(daemon, id);
  return ns === undefined ? await Deno.readTextFile(path) : await inNamespace(ns, `cat '${path}'`);
}
