import assert from "node:assert/strict";
import { join } from "node:path";
import { lockStateDir, StateDirLockedError } from "./state_lock.ts";
import { moduleTempDir } from "../../tests/helpers/module_temp_dir.ts";

Deno.test("lockStateDir() refuses a second holder, naming the first's pid, until it releases", async () => {
  const dir = await moduleTempDir("plugd-test-");
  const first = await lockStateDir(dir);
  assert.equal((await Deno.readTextFile(join(dir, "plugd.lock"))).trim(), String(Deno.pid));
  await assert.rejects(() => lockStateDir(dir), (e: Error) => {
    assert.ok(e instanceof StateDirLockedError);
    assert.equal(e.pid, Deno.pid);
    assert.match(e.message, new RegExp(`Another plugd \\(pid ${Deno.pid}\\) is already using`));
    assert.match(e.message, /--state-dir/);
    return true;
  });
  first.release();
  first.release(); // twice is harmless
  using again = await lockStateDir(dir);
  assert.ok(again.path.endsWith("plugd.lock"));
});

Deno.test("lockStateDir(): a holder killed with SIGKILL leaves no lock behind", async () => {
  const dir = await moduleTempDir("plugd-test-");
  const holder = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { lockStateDir } from "${new URL("./state_lock.ts", import.meta.url)}";
       await lockStateDir(${
        JSON.stringify(dir)
      }); console.log("locked"); setInterval(() => {}, 1000);`,
    ],
    stdout: "piped",
  }).spawn();
  const reader = holder.stdout.pipeThrough(new TextDecoderStream()).getReader();
  assert.match((await reader.read()).value ?? "", /locked/);
  await assert.rejects(() => lockStateDir(dir), new RegExp(`pid ${holder.pid}`));
  holder.kill("SIGKILL");
  await holder.status;
  await reader.cancel();
  using lock = await lockStateDir(dir);
  assert.equal((await Deno.readTextFile(lock.path)).trim(), String(Deno.pid));
});
