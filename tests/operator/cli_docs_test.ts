/** docs/cli.md is generated from the command table and must be current; help lists the same. */
import assert from "node:assert/strict";
import { cliReference } from "../../scripts/gen_cli_docs.ts";
import { COMMANDS } from "../../src/cli/commands.ts";
import { GLOBAL_OPTIONS } from "../../src/cli/global_options.ts";
import { runPlugdInProcess } from "../helpers/plugd_cli.ts";

const DOC = new URL("../../docs/cli.md", import.meta.url);

Deno.test("docs/cli.md is what the command table renders (run scripts/gen_cli_docs.ts)", async () => {
  const committed = await Deno.readTextFile(DOC);
  const expected = await cliReference();
  assert.ok(
    committed === expected,
    "docs/cli.md is stale: run `deno run -A scripts/gen_cli_docs.ts` and commit the result",
  );
});

Deno.test("docs/cli.md names every command and every option, each with a description", async () => {
  const doc = await Deno.readTextFile(DOC);
  for (const c of COMMANDS) {
    assert.ok(doc.includes(`### plugd ${c.path}\n`), `docs/cli.md lists plugd ${c.path}`);
    for (const [name, option] of Object.entries({ ...c.options, ...GLOBAL_OPTIONS })) {
      assert.ok(
        option.description.trim().length > 0,
        `plugd ${c.path} --${name} has a description`,
      );
      assert.ok(doc.includes(`--${name}`), `docs/cli.md shows --${name} (plugd ${c.path})`);
    }
  }
});

Deno.test("plugd --help lists every command; each command's --help lists its options", async () => {
  const main = await runPlugdInProcess(["--help"]);
  for (const c of COMMANDS) assert.match(main.stdout, new RegExp(`\\b${c.path}\\b`));
  for (const c of COMMANDS.filter((c) => c.options)) {
    const help = await runPlugdInProcess([...c.path.split(" "), "--help"]);
    assert.equal(help.code, 0, help.stderr);
    for (const name of Object.keys(c.options!)) {
      assert.match(help.stdout, new RegExp(`--${name}\\b`));
    }
  }
});
