/**
 * The test harness, `plugd plugin validate` and an install run the same checks and say the same
 * thing: a type error, an `npm:` import and a syntax error each fail all three with one message.
 * Route parameters match in the harness as in the daemon.
 */
import assert from "node:assert/strict";
import { startPlugin } from "@plugd/sdk/testing";
import { startDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";

const FIXTURES = new URL("../fixtures/parity/", import.meta.url).pathname;
const CASES: [string, RegExp][] = [
  ["type-error", /TS2322 \[ERROR\]: Type 'string' is not assignable to type 'number'/],
  ["npm-import", /imports "npm:left-pad@1\.3\.0" .*which is not allowed/],
  ["syntax-error", /cannot be loaded: SyntaxError: Expected ','/],
];

/** The message without its first line's wrapper, as each surface reports it. */
function core(message: string): string {
  const at = message.search(/deno check failed|Module "/);
  return message.slice(at).split("\n").slice(0, 4).join("\n").trim();
}

Deno.test("harness, validate and install refuse the same plugins with the same message", async () => {
  await using d = await startDaemon();
  for (const [name, why] of CASES) {
    const dir = `${FIXTURES}${name}`;
    const harness = await startPlugin(dir).then(
      () => assert.fail(`${name}: the harness started it`),
      (e: Error) => e.message,
    );
    assert.match(harness, why, `${name} (harness)`);

    const validate = await runPlugd(["plugin", "validate", dir]);
    assert.notEqual(validate.code, 0, `${name}: validate passed`);
    assert.match(validate.stdout + validate.stderr, why, `${name} (validate)`);

    const res = await d.fetch("/v1/plugins", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ source: dir }),
    });
    const problem = await res.json();
    assert.ok(res.status >= 400, `${name}: install answered ${res.status}`);
    assert.match(problem.detail, why, `${name} (install)`);
    assert.equal(core(problem.detail), core(harness), `${name}: install and harness differ`);
    assert.ok(
      (validate.stdout + validate.stderr).includes(core(harness).split("\n")[0]!),
      `${name}: validate and harness differ`,
    );
  }
});
