/** The cold-start floor: a bare `deno run` of a trivial cached script, spawn to its first line. */
import { join } from "node:path";

/** Times `n` bare starts (after one uncounted warm-up) and returns each in ms. */
export async function bareDenoStarts(n: number): Promise<number[]> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-bench-floor-" });
  try {
    const script = join(dir, "hello.ts");
    await Deno.writeTextFile(script, 'console.log("ready");\nawait new Promise(() => {});\n');
    const args = ["run", "--no-prompt", "--no-config", "--no-remote", "--no-npm", script];
    await new Deno.Command(Deno.execPath(), { args: ["cache", "--no-config", script] }).output();
    const out: number[] = [];
    for (let i = 0; i < n + 1; i++) {
      const t = performance.now();
      const child = new Deno.Command(Deno.execPath(), { args, stdout: "piped", stderr: "null" })
        .spawn();
      const reader = child.stdout.getReader();
      await reader.read(); // first chunk = "ready\n"
      const ms = performance.now() - t;
      child.kill("SIGKILL");
      reader.releaseLock();
      await child.stdout.cancel().catch(() => {});
      await child.status;
      if (i > 0) out.push(ms);
    }
    return out;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
