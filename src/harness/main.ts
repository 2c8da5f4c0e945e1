/**
 * Entry of the test harness process (`@plugd/sdk/testing` starts it; `plugd plugin harness` is
 * the same). Nothing but frames on stdout.
 * @module
 */
import { serveHarness } from "./serve_harness.ts";

// Library output must never corrupt the frames on stdout.
console.log = console.error;
await serveHarness();
