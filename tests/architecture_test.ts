/**
 * The import graph obeys the "may import" table of docs/architecture.md: every module of main.ts,
 * src/ and sdk/ belongs to a row, every import across rows is listed, and rows form no cycle.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";

const ROOT = fromFileUrl(new URL("..", import.meta.url));
const EVERYTHING = "everything";

/** One row of the table: the folders (or files) it covers and the names it may import. */
interface Row {
  name: string;
  paths: string[];
  mayImport: Set<string> | typeof EVERYTHING;
}

/** `src/runtime/shim/` → `runtime/shim`, `src/version.ts` → `version`, `sdk/` → `sdk`. */
function areaName(path: string): string {
  if (path === "main.ts" || path.startsWith("sdk/testing")) return path;
  if (path === "sdk/") return "sdk";
  return path.replace(/^src\//, "").replace(/\/$/, "").replace(/\.ts$/, "");
}

function parseTable(markdown: string): Row[] {
  const section = markdown.split("\n## Layout")[1]?.split("\n## ")[0] ?? "";
  const rows: Row[] = [];
  for (const line of section.split("\n")) {
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    if (cells.length !== 3 || !cells[0]!.startsWith("`")) continue;
    const paths = [...cells[0]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const names = [...cells[2]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    for (const path of paths) {
      rows.push({
        name: areaName(path),
        paths: [path],
        mayImport: cells[2] === EVERYTHING ? EVERYTHING : new Set(names),
      });
    }
  }
  return rows;
}

async function modules(): Promise<string[]> {
  const out: string[] = ["main.ts"];
  const walk = async (dir: string): Promise<void> => {
    for await (const e of Deno.readDir(join(ROOT, dir))) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory) await walk(rel);
      else if (e.name.endsWith(".ts") && !e.name.endsWith("_test.ts")) out.push(rel);
    }
  };
  await walk("src");
  await walk("sdk");
  return out.sort();
}

/** Edges between repository files, from one `deno info --json` of a module importing them all. */
async function importGraph(files: string[]): Promise<[string, string][]> {
  const root = await Deno.makeTempFile({ prefix: "plugd-arch-", suffix: ".ts" });
  try {
    await Deno.writeTextFile(
      root,
      files.map((f) => `import ${JSON.stringify(`file://${join(ROOT, f)}`)};`).join("\n"),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--config", join(ROOT, "deno.json"), root],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      modules: {
        specifier: string;
        dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[];
      }[];
    };
    const local = (url: string) =>
      url.startsWith(`file://${ROOT}`) ? relative(ROOT, fromFileUrl(url)) : undefined;
    const edges: [string, string][] = [];
    for (const m of info.modules) {
      const from = local(m.specifier);
      if (from === undefined || !files.includes(from)) continue;
      for (const dep of m.dependencies ?? []) {
        for (const target of [dep.code?.specifier, dep.type?.specifier]) {
          const to = target === undefined ? undefined : local(target);
          if (to !== undefined) edges.push([from, to]);
        }
      }
    }
    return edges;
  } finally {
    await Deno.remove(root);
  }
}

function rowOf(rows: Row[], file: string): Row | undefined {
  const matches = rows.filter((r) =>
    r.paths.some((p) => p.endsWith("/") ? file.startsWith(p) : file === p)
  );
  return matches.sort((a, b) => b.paths[0]!.length - a.paths[0]!.length)[0];
}

Deno.test("architecture: imports across areas follow the may-import table of docs/architecture.md", async () => {
  const rows = parseTable(await Deno.readTextFile(join(ROOT, "docs/architecture.md")));
  assert.ok(rows.length >= 15, `parsed only ${rows.length} rows of the Layout table`);
  const files = await modules();
  const orphans = files.filter((f) => rowOf(rows, f) === undefined);
  assert.deepEqual(orphans, [], "modules in folders without a row: add one to the Layout table");

  const broken = new Set<string>();
  const areaEdges = new Map<string, Set<string>>();
  for (const [from, to] of await importGraph(files)) {
    const a = rowOf(rows, from);
    const b = rowOf(rows, to);
    if (!a || !b || a.name === b.name) continue;
    if (!areaEdges.has(a.name)) areaEdges.set(a.name, new Set());
    areaEdges.get(a.name)!.add(b.name);
    if (a.mayImport !== EVERYTHING && !a.mayImport.has(b.name)) {
      broken.add(`${a.name} -> ${b.name} (${from} imports ${to})`);
    }
  }
  assert.deepEqual(
    [...broken].sort(),
    [],
    "imports the table does not allow: remove them or add the name to the row",
  );

  // No cycle between areas, "everything" rows included.
  const state = new Map<string, "open" | "done">();
  const visit = (area: string, path: string[]): void => {
    if (state.get(area) === "done") return;
    assert.notEqual(state.get(area), "open", `import cycle: ${[...path, area].join(" -> ")}`);
    state.set(area, "open");
    for (const next of areaEdges.get(area) ?? []) visit(next, [...path, area]);
    state.set(area, "done");
  };
  for (const area of areaEdges.keys()) visit(area, []);
});

Deno.test("architecture: other areas enter an area through its mod.ts", async () => {
  const rows = parseTable(await Deno.readTextFile(join(ROOT, "docs/architecture.md")));
  const files = await modules();
  const side: string[] = [];
  for (const [from, to] of await importGraph(files)) {
    const a = rowOf(rows, from);
    const b = rowOf(rows, to);
    if (!a || !b || a.name === b.name || !b.paths[0]!.endsWith("/")) continue;
    // wire.ts is the protocol's one definition, shared by both ends (it imports nothing).
    if (to.endsWith("/mod.ts") || b.name === "sdk" || to === "src/runtime/shim/wire.ts") continue;
    side.push(`${from} imports ${to}`);
  }
  assert.deepEqual(side.sort(), [], "import these through the area's mod.ts");
});
