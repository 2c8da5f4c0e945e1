import assert from "node:assert/strict";
import { stripTerminalEscapes, TerminalStripper } from "./terminal_text.ts";

Deno.test("stripTerminalEscapes() removes colours, titles, links, clears and overwrites", () => {
  const cases: [string, string][] = [
    ["\x1b[31mred\x1b[0m", "red"],
    ["\x1b]0;owned title\x07plain", "plain"],
    ["\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"],
    ["a\x1b[2Jb\x1b[H", "ab"],
    ["line\r\n", "line\n"],
    ["progress 10%\rprogress 100%", "progress 10%progress 100%"],
    ["bell\x07 back\x08space \x9b31m c1", "bell backspace 31m c1"],
    ["\x1bPdevice control\x1b\\ok", "ok"],
    ["tab\tand é ✓ stay\n", "tab\tand é ✓ stay\n"],
  ];
  for (const [input, want] of cases) assert.equal(stripTerminalEscapes(input), want, input);
});

Deno.test("TerminalStripper holds an escape sequence split across chunks", () => {
  const s = new TerminalStripper();
  const out = ["a\x1b", "[3", "1mred\x1b]0;ti", "tle\x07b\r", "\nc\x1b["].map((c) => s.push(c));
  assert.equal(out.join("") + s.flush(), "aredb\nc");
  assert.ok(!out.join("").includes("\x1b"));
});
