import assert from "node:assert/strict";
import { splitPluginArgv } from "./plugin_command_argv.ts";

Deno.test("splitPluginArgv() keeps plugd's options and passes the rest in order", () => {
  assert.deepEqual(
    splitPluginArgv(["--json", "slack", "notify", "--channel", "ops", "--raw", "hi there"]),
    {
      globals: { json: true, raw: true },
      words: ["slack", "notify", "--channel", "ops", "hi there"],
    },
  );
  assert.deepEqual(
    splitPluginArgv(["plugin", "run", "plugin", "go", "--", "--json", "--raw", "--"], [
      "plugin",
      "run",
    ]),
    { globals: {}, words: ["plugin", "go", "--json", "--raw", "--"] },
  );
  assert.deepEqual(splitPluginArgv(["x", "y", "--socket", "/s", "-h"]).globals, {
    socket: "/s",
    help: true,
  });
});
