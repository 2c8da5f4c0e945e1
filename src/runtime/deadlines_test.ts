import assert from "node:assert/strict";
import { Deadlines } from "./deadlines.ts";
import { waitFor } from "../../tests/helpers/wait_for.ts";

Deno.test("Deadlines fires what is due, in order, and never what was deleted", async () => {
  const d = new Deadlines<number>();
  const fired: number[] = [];
  // Far apart, so that no pause of a loaded machine between two lines can swap their order.
  d.set(1, 1500, () => fired.push(1));
  d.set(2, 1, () => fired.push(2)); // earlier than the armed one: re-armed
  d.set(3, 20, () => fired.push(3));
  d.delete(3);
  await waitFor(() => fired.length === 2, "two deadlines to fire");
  assert.deepEqual(fired, [2, 1]);
  d.clear();
});

Deno.test("Deadlines.set() replaces a key's deadline; clear() drops everything", async () => {
  const d = new Deadlines<string>();
  const fired: string[] = [];
  d.set("a", 5, () => fired.push("first"));
  d.set("a", 15, () => fired.push("second"));
  d.set("b", 500, () => fired.push("b"));
  await waitFor(() => fired.length === 1, "the replaced deadline");
  assert.deepEqual(fired, ["second"]);
  d.clear();
  d.set("c", 1, () => fired.push("c"));
  await waitFor(() => fired.length === 2, "a deadline set after clear()");
  assert.deepEqual(fired, ["second", "c"]);
  d.clear();
});

Deno.test("Deadlines: a callback may set new deadlines", async () => {
  const d = new Deadlines<number>();
  const fired: number[] = [];
  d.set(1, 1, () => {
    fired.push(1);
    d.set(2, 1, () => fired.push(2));
  });
  await waitFor(() => fired.length === 2, "the chained deadline");
  d.clear();
});
