/** README and docs/ stand alone: no references to files outside the repository, no dead links. */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;

async function docs(): Promise<string[]> {
  const files = [join(ROOT, "README.md")];
  for await (const e of Deno.readDir(join(ROOT, "docs"))) {
    if (e.isFile && e.name.endsWith(".md")) files.push(join(ROOT, "docs", e.name));
  }
  return files.sort();
}

Deno.test("README and docs/ cite nothing outside the repository (SPEC, DENO-FACTS, seeds)", async () => {
  for (const file of await docs()) {
    const text = await Deno.readTextFile(file);
    for (const outside of [/\bSPEC\b/, /DENO-FACTS/, /\bseeds\//]) {
      const line = text.split("\n").findIndex((l) => outside.test(l));
      assert.equal(line, -1, `${file.slice(ROOT.length)}:${line + 1} refers to ${outside.source}`);
    }
  }
});

Deno.test("every relative link in README and docs/ points at a file of the repository", async () => {
  for (const file of await docs()) {
    const text = await Deno.readTextFile(file);
    for (const m of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/.test(target)) continue; // http:, mailto:, ...
      const path = join(dirname(file), target);
      const exists = await Deno.stat(path).then(() => true, () => false);
      assert.ok(exists, `${file.slice(ROOT.length)} links to ${target}, which does not exist`);
    }
  }
});
