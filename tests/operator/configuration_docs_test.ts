/**
 * docs/configuration.md documents every setting: each key the config loader accepts (with its
 * environment variable and flag), every flag of `plugd daemon`, and every PLUGD_* environment
 * variable the code reads anywhere.
 */
import assert from "node:assert/strict";
import { ENV_ONLY, SETTINGS } from "../../src/config/mod.ts";
import { COMMANDS } from "../../src/cli/commands.ts";

const ROOT = new URL("../../", import.meta.url);
const doc = await Deno.readTextFile(new URL("docs/configuration.md", ROOT));
const documented = (name: string) => doc.includes(`\`${name}\``);

/** PLUGD_* names the code reads from the environment (quoted, or as env.NAME). */
async function envNamesInCode(): Promise<Set<string>> {
  const names = new Set<string>();
  const walk = async (dir: URL): Promise<void> => {
    for await (const e of Deno.readDir(dir)) {
      const url = new URL(e.name + (e.isDirectory ? "/" : ""), dir);
      if (e.isDirectory) await walk(url);
      else if (e.name.endsWith(".ts") && !e.name.endsWith("_test.ts")) {
        const text = await Deno.readTextFile(url);
        for (const m of text.matchAll(/(?:env\.|["'`])(PLUGD_[A-Z0-9_]*[A-Z0-9])\b/g)) {
          names.add(m[1]!);
        }
      }
    }
  };
  await walk(new URL("src/", ROOT));
  return names;
}

Deno.test("docs/configuration.md documents every key the config loader accepts, with its variable and flag", () => {
  for (const s of SETTINGS) {
    assert.ok(documented(s.key), `plugd.yaml key "${s.key}" is documented`);
    if (s.env) assert.ok(documented(s.env), `${s.env} (for ${s.key}) is documented`);
    if (s.flag) assert.ok(documented(s.flag), `${s.flag} (for ${s.key}) is documented`);
    const row = doc.split("\n").find((l) => l.startsWith(`| \`${s.key}\``));
    assert.ok(row, `the settings table has a row for ${s.key}`);
    assert.match(row, s.live ? /\| live +\|$/ : /\| restart +\|$/, `reload column of ${s.key}`);
  }
  for (const name of ENV_ONLY) assert.ok(documented(name), `${name} is documented`);
});

Deno.test("docs/configuration.md documents every flag of plugd daemon and every PLUGD_* variable the code reads", async () => {
  const daemon = COMMANDS.find((c) => c.path === "daemon")!;
  for (const flag of [...Object.keys(daemon.options ?? {}), "config", "state-dir", "socket"]) {
    assert.ok(documented(`--${flag}`), `plugd daemon --${flag} is documented`);
  }
  const names = await envNamesInCode();
  assert.ok(names.has("PLUGD_HTTP") && names.size > 20, `found ${names.size} names`);
  const missing = [...names].filter((n) => !documented(n)).sort();
  assert.deepEqual(missing, [], `undocumented environment variables: ${missing.join(", ")}`);
});
