import assert from "node:assert/strict";

/** Specifiers the module at `root` loads before it runs: its static imports, transitively. */
async function staticGraph(root: URL): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--no-config", root.href],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const graph: {
    modules: {
      specifier: string;
      dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
    }[];
  } = JSON.parse(new TextDecoder().decode(out.stdout));
  const bySpecifier = new Map(graph.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>([root.href]);
  const todo = [root.href];
  while (todo.length > 0) {
    for (const d of bySpecifier.get(todo.pop()!)?.dependencies ?? []) {
      const s = d.code?.specifier;
      if (s && !d.isDynamic && !seen.has(s)) {
        seen.add(s);
        todo.push(s);
      }
    }
  }
  return [...seen];
}

Deno.test("the shim loads no node: module before the plugin's code (Deno's Node layer costs a start ~20-35 ms of CPU)", async () => {
  const loaded = await staticGraph(new URL("./mod.ts", import.meta.url));
  assert.ok(loaded.some((s) => s.endsWith("/shim/channel.ts")), "the walk follows the imports");
  assert.deepEqual(loaded.filter((s) => s.startsWith("node:")), []);
});

Deno.test("the shim's modules use no global setTimeout or setInterval (Node.js timers since Deno 2.8: the first one in a process loads Deno's Node layer, ~5 ms of CPU inside a plugin's first call)", async () => {
  const loaded = await staticGraph(new URL("./mod.ts", import.meta.url));
  const files = loaded.filter((s) => s.startsWith("file:"));
  assert.ok(files.some((s) => s.endsWith("/shim/calls.ts")), "the walk follows the imports");
  const timers = /\b(setTimeout|setInterval)\s*\(/;
  const offenders: string[] = [];
  for (const file of files) {
    const code = (await Deno.readTextFile(new URL(file)))
      .replace(/\/\*[\s\S]*?\*\//g, "") // block comments and JSDoc
      .replace(/\/\/.*$/gm, ""); // line comments
    if (timers.test(code)) offenders.push(file);
  }
  assert.deepEqual(offenders, [], "use after() from web_timer.ts");
});

Deno.test("a plugin's start loads no route, command, task or signature module (each loads at its first call)", async () => {
  const shim = await staticGraph(new URL("./mod.ts", import.meta.url));
  const sdk = await staticGraph(new URL("../../../sdk/mod.ts", import.meta.url));
  assert.ok(shim.some((s) => s.endsWith("/shim/dispatch.ts")), "the walk follows the imports");
  assert.ok(sdk.some((s) => s.endsWith("/sdk/signatures/on_demand.ts")), "the SDK's walk too");
  const lazy = /\/shim\/(route|command|task)\.ts$|\/sdk\/signatures\/(?!on_demand)[a-z_]+\.ts$/;
  assert.deepEqual([...shim, ...sdk].filter((s) => lazy.test(s)), []);
});
