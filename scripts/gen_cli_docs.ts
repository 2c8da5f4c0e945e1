/**
 * Writes docs/cli.md from the command table: `deno run -A scripts/gen_cli_docs.ts`.
 * tests/operator/cli_docs_test.ts fails when the committed file differs from this output.
 *
 * @module
 */
import { COMMANDS } from "../src/cli/commands.ts";
import { renderCliReference } from "../src/cli/cli_reference.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** docs/cli.md as the command table says it should be, formatted like `deno fmt` would. */
export async function cliReference(): Promise<string> {
  const fmt = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--config", `${ROOT}deno.json`, "--ext", "md", "-"],
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = fmt.stdin.getWriter();
  await writer.write(new TextEncoder().encode(renderCliReference(COMMANDS)));
  await writer.close();
  const out = await fmt.output();
  if (!out.success) throw new Error(`deno fmt failed: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}

if (import.meta.main) {
  await Deno.writeTextFile(`${ROOT}docs/cli.md`, await cliReference());
  console.log("wrote docs/cli.md");
}
