/**
 * The prepared folder's code is checked like the plugin's files. Its runtime module (plugd's shim
 * and SDK) runs in the plugin's process before the plugin's own files are checked, so a changed
 * `runtime.js` must never run: the daemon compares what it recorded when it prepared the folder,
 * prepares it again, logs and audits the change. Real daemon, real sandbox, a restart between.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { waitFor } from "../helpers/wait_for.ts";

const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;
const ECHO = new URL("../fixtures/plugins/echo", import.meta.url).pathname;
/** What the changed runtime module does first: say so on stderr, which the plugin's log keeps. */
const MARK = "runtime-was-changed";

async function api(d: TestDaemon, method: string, path: string, body?: unknown) {
  const res = await d.fetchSocket(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = (res.headers.get("content-type") ?? "").includes("json");
  return { status: res.status, body: json ? JSON.parse(text) : null, text };
}

async function installAndEnable(d: TestDaemon): Promise<void> {
  const install = await api(d, "POST", "/v1/plugins", { source: ECHO });
  assert.equal(install.status, 201, install.text);
  const grant = await api(d, "POST", "/v1/plugins/echo/grant", {
    permissions: install.body.requested,
  });
  assert.equal(grant.status, 200, grant.text);
  assert.equal((await api(d, "POST", "/v1/plugins/echo/enable")).status, 200);
}

/** The plugin answers its route: it started and runs its own code. */
function answers(d: TestDaemon): Promise<boolean> {
  return waitFor(
    async () => {
      const r = await api(d, "GET", "/v1/plugins/echo/routes/hello");
      return r.status === 200 && r.text === "hello";
    },
    "echo to answer its route",
    60_000,
  );
}

Deno.test(
  "a changed runtime.js in the prepared folder never runs: prepared again, audited",
  OPTS,
  async () => {
    const first = await startDaemon();
    const { stateDir } = first;
    const prepared = join(stateDir, "prepared/echo/1.0.0");
    const runtime = join(prepared, "runtime.js");
    let original: string;
    try {
      await installAndEnable(first);
      await answers(first);
      original = await Deno.readTextFile(runtime);
    } finally {
      assert.equal(await first.stop(), 0);
    }

    // Someone who can write the daemon's files changes the runtime module while plugd is down.
    await Deno.writeTextFile(
      runtime,
      `console.error(${JSON.stringify(MARK)});\n` +
        original,
    );

    await using again = await startDaemon({ stateDir });
    await answers(again);
    const logs = await api(again, "GET", "/v1/plugins/echo/logs");
    assert.equal(logs.status, 200, logs.text);
    assert.ok(!logs.text.includes(MARK), logs.text);
    assert.equal(
      await Deno.readTextFile(runtime),
      original,
      "the daemon's own runtime module again",
    );
    await again.waitForLog(
      /plugin echo: its prepared files changed since plugd wrote them \(runtime\.js/,
    );
    const audit = await api(again, "GET", "/v1/audit?action=plugin.prepared_changed");
    assert.equal(audit.status, 200, audit.text);
    const rows = audit.body.rows;
    assert.equal(rows.length, 1, audit.text);
    assert.equal(rows[0].target, "echo");
    assert.deepEqual(rows[0].detail.files, ["runtime.js"]);
  },
);
