import assert from "node:assert/strict";
import { inert, safeHref } from "./inert_text.ts";

Deno.test("inert() shows ANSI CSI and OSC sequences as visible text without ESC", () => {
  assert.equal(inert("\x1b[31mred\x1b[0m"), "␛[31mred␛[0m");
  const osc = inert("\x1b]0;pwned title\x07after");
  assert.ok(!osc.includes("\x1b") && !osc.includes("\x07"), osc);
  assert.ok(osc.endsWith("after"));
  assert.equal(inert("a\x9b31mb"), "a␛31mb");
});

Deno.test("inert() replaces other control characters but keeps tabs and newlines", () => {
  assert.equal(inert("a\x00b\x08c\td\ne\x7f"), "a�b�c\td\ne�");
});

Deno.test("inert() names bidirectional overrides instead of applying them", () => {
  assert.equal(inert("abc\u202Etxt.exe"), "abc[U+202E]txt.exe");
});

Deno.test("inert() turns non-strings into text", () => {
  assert.equal(inert(undefined), "");
  assert.equal(inert(42), "42");
});

Deno.test("safeHref() allows only http and https", () => {
  assert.equal(safeHref("https://example.com/x"), "https://example.com/x");
  assert.equal(safeHref("javascript:alert(1)"), null);
  assert.equal(safeHref("JaVaScRiPt:alert(1)"), null);
  assert.equal(safeHref("data:text/html,<script>"), null);
  assert.equal(safeHref(" java\nscript:alert(1)"), null);
});
