import assert from "node:assert/strict";
import { helloProblem } from "./hello_check.ts";
import { type HandlerSet, PROTOCOL_VERSION } from "./protocol.ts";

const HANDLERS: HandlerSet = {
  actions: ["deployment.post_create"],
  filters: [],
  gates: [],
  routes: [],
  cron: [],
  lifecycle: [],
};
const hello = (over: Partial<{ protocol: number; sdk: string; handlers: HandlerSet }> = {}) => ({
  t: "hello" as const,
  protocol: PROTOCOL_VERSION,
  sdk: "0.1.0",
  handlers: HANDLERS,
  ...over,
});

Deno.test("helloProblem() accepts a matching hello and names protocol, SDK and handler mismatches", () => {
  assert.equal(helloProblem(hello(), HANDLERS), null);
  assert.equal(
    helloProblem(hello({ protocol: PROTOCOL_VERSION + 1 }), HANDLERS)?.reason,
    "protocol",
  );
  assert.match(
    helloProblem(hello({ protocol: 99 }), HANDLERS)!.message,
    /speaks protocol 99 .*rebuild the plugin/,
  );
  assert.equal(helloProblem(hello({ sdk: "9.0.0" }), HANDLERS)?.reason, "sdk");
  const missing = helloProblem(hello({ handlers: { ...HANDLERS, actions: [] } }), HANDLERS);
  assert.equal(missing?.reason, "handlers");
  assert.match(missing!.message, /deployment\.post_create/);
});
