/**
 * Install + grant + enable of a signed .tgz (SPEC §14) on a real daemon outside dev mode
 * (signatures required), with its key trusted through the CLI. Wall time per cycle; the plugin
 * is removed with purge between cycles so each one is a full install (whose type check, after the
 * first, is the cached verdict for the same sources: `config.first_install_ms` is the uncached one).
 */
import { join } from "node:path";
import { benchDaemon, installGrantEnable, SocketClient } from "../lib/daemon_client.ts";
import { writeTinyPlugin } from "../lib/plugin_folders.ts";
import { type MeasureResult, result, summarize } from "../lib/stats.ts";
import { runPlugd } from "../../tests/helpers/plugd_cli.ts";

async function plugd(args: string[]): Promise<string> {
  const run = await runPlugd(args);
  if (run.code !== 0) throw new Error(`plugd ${args.join(" ")} failed: ${run.stderr}`);
  return run.stdout;
}

/** Options of {@linkcode signedInstall}. */
export interface SignedInstallOptions {
  cycles: number;
}

/** Measures `cycles` install+grant+enable cycles (after one warm-up). */
export async function signedInstall(o: SignedInstallOptions): Promise<MeasureResult[]> {
  const root = await Deno.makeTempDir({ prefix: "plugd-bench-signed-" });
  try {
    const src = await writeTinyPlugin(root, "signed-bench");
    const keys = join(root, "keys");
    await Deno.mkdir(keys);
    await plugd(["key", "generate", "--out", keys, "--json"]);
    const names = [...Deno.readDirSync(keys)].map((e) => e.name);
    const key = join(keys, names.find((f) => f.endsWith(".key"))!);
    const pub = join(keys, names.find((f) => f.endsWith(".pub"))!);
    await plugd(["plugin", "pack", src, "--sign", key, "--out", root]);
    const tgz = join(root, "signed-bench-1.0.0.tgz");

    await using daemon = await benchDaemon({ args: [] }); // not dev: signatures required
    await plugd(["key", "trust", pub, "--socket", daemon.socketPath]);
    using c = new SocketClient(daemon.socketPath);
    const times: number[] = [];
    let firstMs = 0;
    for (let i = 0; i < o.cycles + 1; i++) {
      const t = performance.now();
      const id = await installGrantEnable(c, tgz);
      const ms = performance.now() - t;
      if (i > 0) times.push(ms);
      else firstMs = ms;
      const removed = await c.json("DELETE", `/v1/plugins/${id}?purge=true`);
      if (removed.status !== 200) throw new Error(`remove answered ${removed.status}`);
    }
    return [result({
      id: "signed_install",
      name: "install + grant + enable, signed .tgz",
      unit: "ms",
      ...summarize(times),
      target: { stat: "median", op: "<", value: 1000 },
      config: {
        dev: false,
        package: "tiny plugin, 2 files, Ed25519-signed, key trusted",
        // The uncounted first cycle type-checks; the counted ones reuse its passed check.
        first_install_ms: firstMs,
      },
    })];
  } finally {
    try {
      Deno.removeSync(root, { recursive: true }); // sync: see runGroup in run.ts
    } catch { /* already gone */ }
  }
}
