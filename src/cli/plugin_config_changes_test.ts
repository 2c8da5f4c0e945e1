import assert from "node:assert/strict";
import { withChanges } from "./plugin_config_command.ts";

Deno.test("withChanges() sets nested settings by dotted key and keeps everything else", () => {
  const current = { github: { token: "********", org: "acme" }, level: "info" };
  assert.deepEqual(withChanges(current, { "github.org": "zeta", "slack.channel": "#ops" }), {
    github: { token: "********", org: "zeta" },
    level: "info",
    slack: { channel: "#ops" },
  });
  assert.equal(current.github.org, "acme", "the current values are not changed");
});
