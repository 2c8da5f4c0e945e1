import assert from "node:assert/strict";
import {
  printable,
  stripTerminalEscapes,
  terminalSafeIo,
  TerminalStripper,
} from "./terminal_text.ts";

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

Deno.test("printable() shows controls in one line of plugin text; tabs stay", () => {
  assert.equal(
    printable("ok\x1b]0;owned\x07\nfake\tline"),
    "ok\\u{1b}]0;owned\\u{7}\\u{a}fake\tline",
  );
  assert.equal(printable("C1 \x9b31m"), "C1 \\u{9b}31m");
});

Deno.test("terminalSafeIo() strips every human line, leaves --json stdout and --raw alone", () => {
  const seen: string[] = [];
  const base = {
    out: (t: string) => seen.push(`out:${t}`),
    err: (t: string) => seen.push(`err:${t}`),
    env: {},
  };
  const attack = "\x1b]0;title\x07hi\x1b[2J\rthere";
  terminalSafeIo(base).out(attack);
  terminalSafeIo(base).err(attack);
  terminalSafeIo(base, { json: true }).out(JSON.stringify(attack));
  terminalSafeIo(base, { json: true }).err(attack);
  terminalSafeIo(base, { raw: true }).out(attack);
  assert.deepEqual(seen, [
    "out:hithere",
    "err:hithere",
    `out:${JSON.stringify(attack)}`,
    "err:hithere",
    `out:${attack}`,
  ]);
});
