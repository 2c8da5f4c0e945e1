import assert from "node:assert/strict";
import { argsShape, MASKED, maskSecretArgs } from "./command_args.ts";

Deno.test("argsShape() reads positional names, variadics and value-taking options", () => {
  const shape = argsShape("[--channel NAME] [--token <token>] [--dry-run] <user> [note]...");
  assert.deepEqual(shape.positional, ["user", "note"]);
  assert.equal(shape.variadic, true);
  assert.deepEqual([...shape.valued].sort(), ["channel", "token"]);
  assert.deepEqual([...shape.options].sort(), ["channel", "dry-run", "token"]);
});

Deno.test("maskSecretArgs() masks secret positionals and option values, nothing else", () => {
  const cmd = {
    args: "[--channel NAME] [--token T] <user> <password>",
    secret: ["password", "token"],
  };
  assert.deepEqual(
    maskSecretArgs(cmd, ["--channel", "ops", "ann", "hunter2", "--token=abc"]),
    ["--channel", "ops", "ann", MASKED, `--token=${MASKED}`],
  );
  assert.deepEqual(maskSecretArgs(cmd, ["--token", "abc", "ann", "pw"]), [
    "--token",
    MASKED,
    "ann",
    MASKED,
  ]);
  // After "--" everything is positional, even what looks like an option.
  assert.deepEqual(maskSecretArgs(cmd, ["--", "--user", "--pw"]), ["--", "--user", MASKED]);
  assert.deepEqual(maskSecretArgs({ args: "<text>", secret: [] }, ["hi"]), ["hi"]);
});

Deno.test("maskSecretArgs() masks every argument a variadic secret takes", () => {
  const cmd = { args: "<name> <words>...", secret: ["words"] };
  assert.deepEqual(maskSecretArgs(cmd, ["a", "b", "c"]), ["a", MASKED, MASKED]);
});
