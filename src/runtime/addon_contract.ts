/**
 * Reads a system addon's contract inside its sandbox: which `addon_*` functions its script
 * defines and what `addon_metadata` prints. Install refuses a script missing a required function
 * (naming it) or whose metadata is not one JSON object.
 */
import {
  addonFunction,
  isAddonOperation,
  type Problem,
  REQUIRED_ADDON_OPERATIONS,
} from "../manifest/mod.ts";
import type { AddonOperation } from "../manifest/mod.ts";
import type { LaunchPlan } from "./launch_plan.ts";
import type { Runner } from "./runner.ts";
import { runAddon } from "./run_addon.ts";

/** What the script offers. */
export interface AddonContract {
  /** Operations whose function the script defines. */
  operations: AddonOperation[];
  /** The parsed output of `addon_metadata` (undefined when it was not JSON). */
  metadata: unknown;
  /** Missing required functions, unreadable metadata, a script that failed to load. */
  problems: Problem[];
}

const MARK = "::plugd-metadata::";

/**
 * Parses what `bash addon.sh --contract <entry>` printed: function names, the marker line, then
 * `addon_metadata`'s output.
 *
 * @example
 * ```ts
 * parseContract("addon_install\naddon_status\n::plugd-metadata::\n{\"name\":\"x\"}\n", 0, "");
 * // { operations: ["install", "status"], metadata: { name: "x" }, problems: [...missing...] }
 * ```
 */
export function parseContract(stdout: string, code: number, stderr: string): AddonContract {
  const problems: Problem[] = [];
  const at = stdout.indexOf(`${MARK}\n`);
  const names = (at < 0 ? stdout : stdout.slice(0, at)).split("\n").filter(Boolean);
  const operations = names
    .map((n) => n.startsWith("addon_") ? n.slice("addon_".length) : "")
    .map((n) => n === "health_check" ? "health" : n)
    .filter(isAddonOperation);
  const unique = [...new Set(operations)].sort() as AddonOperation[];
  for (const op of REQUIRED_ADDON_OPERATIONS) {
    if (!unique.includes(op)) {
      problems.push({
        field: addonFunction(op),
        message: `is not defined in the script; every system addon implements ` +
          `${REQUIRED_ADDON_OPERATIONS.map(addonFunction).join(", ")}`,
      });
    }
  }
  let metadata: unknown;
  if (at < 0 || code !== 0) {
    const why = stderr.trim().split("\n").slice(-3).join(" / ").slice(0, 500);
    if (unique.includes("metadata")) {
      problems.push({
        field: "addon_metadata",
        message: `failed (exit ${code})${why ? `: ${why}` : ""}; it must print one JSON object`,
      });
    }
  } else {
    const text = stdout.slice(at + MARK.length + 1).trim();
    try {
      metadata = JSON.parse(text);
    } catch {
      problems.push({
        field: "addon_metadata",
        message: `printed ${JSON.stringify(text.slice(0, 80))}, which is not JSON; print one ` +
          "JSON object (a quoted heredoc: cat <<'EOF' ... EOF)",
      });
    }
  }
  return { operations: unique, metadata, problems };
}

/**
 * Runs the `--contract` plan (a launch plan whose `shell.args` is `["--contract"]`, with no grant)
 * and parses its output.
 */
export async function readAddonContract(
  plan: LaunchPlan,
  options: { runner: Runner; timeoutMs?: number },
): Promise<AddonContract> {
  const r = await runAddon(plan, {
    runner: options.runner,
    timeoutMs: options.timeoutMs ?? 30_000,
    maxOutputBytes: 256 * 1024,
  });
  if (r.timedOut) {
    return {
      operations: [],
      metadata: undefined,
      problems: [{
        field: "addon_metadata",
        message: "did not finish in time while plugd read the contract; loading the script and " +
          "addon_metadata must not wait for anything",
      }],
    };
  }
  return parseContract(r.stdout, r.code, r.stderr);
}
