import assert from "node:assert/strict";
import { sdkProblem } from "./sdk_compat.ts";

Deno.test("sdkProblem() accepts older compatible SDKs and names the fix otherwise", () => {
  assert.equal(sdkProblem("0.1.0", "0.1.0"), undefined);
  assert.equal(sdkProblem("0.1.0", "0.1.3"), undefined);
  assert.equal(sdkProblem("1.2.0", "1.4.1"), undefined);
  assert.match(
    sdkProblem("0.1.4", "0.1.3")!,
    /built with @plugd\/sdk 0\.1\.4 but this plugd provides @plugd\/sdk 0\.1\.3/,
  );
  assert.match(sdkProblem("0.2.0", "0.1.3")!, /\^0\.2\.0/);
  assert.match(sdkProblem("1.0.0", "2.0.0")!, /rebuild the plugin against @plugd\/sdk 2\.0\.0/);
  assert.match(sdkProblem("x")!, /not a version/);
});
