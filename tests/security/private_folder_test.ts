/**
 * Issue 11 item 9: with the checkout (or a plugin author's folder) under a 0700 directory such as
 * `/root` or a `mktemp -d` folder, every plugin failed with `bwrap: Can't find source path …/sdk:
 * Permission denied`, since the sandbox uid could not traverse it. The daemon and
 * `@plugd/sdk/testing` now work from there: bubblewrap builds the mounts as the daemon's user (or
 * as root) and the plugin sees only fixed paths, never the folder it came from.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { waitFor } from "../helpers/wait_for.ts";

const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;
const REPO = new URL("../../", import.meta.url).pathname;
const ECHO = join(REPO, "tests/fixtures/plugins/echo");

async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder();
  const all = text.decode(out.stdout) + text.decode(out.stderr);
  assert.equal(out.code, 0, `${cmd} ${args.join(" ")}:\n${all}`);
  return all;
}

/** The committed code (no tests, docs or bench) copied into `dir`, with the repo's node_modules. */
async function privateCheckout(dir: string): Promise<string> {
  const files = (await run("git", ["ls-files", "-z"], REPO)).split("\0")
    .filter((f) => f && !/^(tests|docs|bench)\//.test(f));
  const checkout = join(dir, "checkout");
  for (const file of files) {
    await Deno.mkdir(join(checkout, dirname(file)), { recursive: true });
    await Deno.copyFile(join(REPO, file), join(checkout, file)).catch(() => {}); // a deleted file
  }
  await Deno.symlink(join(REPO, "node_modules"), join(checkout, "node_modules"));
  await run("cp", ["-r", ECHO, join(dir, "echo")], REPO);
  return checkout;
}

Deno.test("a checkout and a plugin folder under a 0700 directory work", OPTS, async () => {
  const dir = await Deno.makeTempDir({ prefix: "plugd-private-" });
  await Deno.chmod(dir, 0o700);
  try {
    const checkout = await privateCheckout(dir);
    const main = join(checkout, "main.ts");

    // @plugd/sdk/testing, imported from the private checkout, starts a plugin from a private folder.
    await Deno.writeTextFile(
      join(dir, "echo_test.ts"),
      `import { startPlugin } from ${JSON.stringify(join(checkout, "sdk/testing.ts"))};
Deno.test({ name: "echo", sanitizeOps: false, sanitizeResources: false, async fn() {
  await using p = await startPlugin(${JSON.stringify(join(dir, "echo"))});
  const out = await p.filter("text.upper", { text: "hi" });
  if (JSON.stringify(out) !== '{"text":"HI"}') throw new Error("got " + JSON.stringify(out));
}});
`,
    );
    await run(Deno.execPath(), [
      "test",
      "-A",
      "--config",
      join(checkout, "deno.json"),
      "echo_test.ts",
    ], dir);

    // The daemon from the private checkout, its state dir there too, runs the plugin sandboxed.
    const socket = join(dir, "state/plugd.sock");
    const daemon = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        main,
        "daemon",
        "--dev",
        "--state-dir",
        join(dir, "state"),
        "--http",
        "127.0.0.1:0",
      ],
      env: { PLUGD_SANDBOX: "bwrap" },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const log = new Response(daemon.stderr).text();
    try {
      await waitFor(() => Deno.stat(socket), "the daemon's socket", 60_000);
      const cli = (...args: string[]) =>
        run(Deno.execPath(), ["run", "-A", main, "--socket", socket, ...args], dir);
      await cli("plugin", "install", join(dir, "echo"));
      await cli("plugin", "grant", "echo", "--yes");
      await cli("plugin", "enable", "echo");
      const out = await cli("filter", "text.upper", "--data", '{"text":"hey"}', "--json");
      assert.match(out, /"text": "HEY"/);
      const flags = await cli("plugin", "flags", "echo", "--json");
      // The plugin's folders come from the private state dir; the shim and the SDK run from its
      // prepared folder's runtime module, so the checkout's folders are no longer mounted.
      assert.ok(flags.includes(join(dir, "state")), "the plan mounts the private state dir");
      for (const src of ["sdk", "src/runtime/shim"]) {
        assert.ok(!flags.includes(join(checkout, src)), `the plan mounts ${src}`);
      }
    } finally {
      try {
        daemon.kill("SIGTERM");
      } catch { /* already exited: its log says why */ }
      await daemon.status;
      assert.doesNotMatch(await log, /Permission denied|Can't find source path/);
    }
  } finally {
    // Installed plugin files are read-only (0444 in 0555 folders): give them back first.
    await new Deno.Command("chmod", { args: ["-R", "u+w", dir] }).output();
    await Deno.remove(dir, { recursive: true });
  }
});
