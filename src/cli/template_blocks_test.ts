import assert from "node:assert/strict";
import { applyTemplateBlocks } from "./template_blocks.ts";

Deno.test("applyTemplateBlocks() keeps asked-for blocks in any comment style, drops markers", () => {
  const text = [
    "// #if webhook",
    'import { a, b } from "x";',
    "// #else",
    'import { a } from "x";',
    "// #endif",
    "  # #if ui",
    "  ui: yes",
    "  # #endif",
    "<!-- #if command -->",
    "cmd",
    "<!-- #endif -->",
    "end",
  ].join("\n");
  assert.equal(applyTemplateBlocks(text, new Set()), 'import { a } from "x";\nend');
  assert.equal(
    applyTemplateBlocks(text, new Set(["webhook", "ui", "command"])),
    'import { a, b } from "x";\n  ui: yes\ncmd\nend',
  );
  assert.throws(() => applyTemplateBlocks("// #if ui\n", new Set()), /no #endif/);
});
