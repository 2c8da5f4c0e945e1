import assert from "node:assert/strict";
import { after } from "./web_timer.ts";

Deno.test("after() calls its function once, after the delay", async () => {
  let calls = 0;
  await new Promise<void>((resolve) => after(5, () => (calls++, resolve())));
  // A later timer fires after it (timers fire in deadline order): no second call came.
  await new Promise<void>((resolve) => after(30, resolve));
  assert.equal(calls, 1);
});

Deno.test("after()'s cancel stops a pending call", async () => {
  let called = false;
  const cancel = after(10, () => called = true);
  cancel();
  await new Promise<void>((resolve) => after(60, resolve));
  assert.equal(called, false);
});
