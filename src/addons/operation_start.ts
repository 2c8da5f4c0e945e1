/**
 * Starting an addon operation: the checks that refuse it (each error naming the fix) and its
 * first write (the running record, the status while it runs, the audit entry), committed before
 * the caller is answered.
 */
import { auditStatement } from "../audit/mod.ts";
import { ADDON_OPERATIONS, isAddonOperation } from "../manifest/mod.ts";
import { ConflictError, isSystemAddon, NotFoundError, type PluginRecord } from "../plugins/mod.ts";
import type { Store } from "../store/mod.ts";
import { addonStateStatement, initialAddonState, readAddonState } from "./addon_state.ts";
import { checkArgs } from "./args.ts";
import { saveExecutionStatement } from "./executions.ts";
import { type CallInput, runningRecord } from "./run_call.ts";
import { statusWhileRunning } from "./transitions.ts";
import type { AddonOperation, ExecutionRecord } from "./types.ts";

/**
 * Refuses `op` on addon `id` (its record `plugin`) unless it is an enabled system addon that implements it (409), `op` is
 * an addon operation (404) and `args` are valid (400); answers the operation and its arguments.
 */
export async function checkOperation(
  id: string,
  plugin: PluginRecord,
  request: { op: string; args: unknown },
  offered: () => Promise<AddonOperation[]>,
): Promise<{ op: AddonOperation; argv: string[] }> {
  const { op, args } = request;
  if (!isSystemAddon(plugin)) {
    throw new ConflictError(
      `Plugin "${id}" is not a system addon (kind: system); only system addons have operations`,
    );
  }
  if (!isAddonOperation(op)) {
    throw new NotFoundError(
      `Unknown operation "${op}"; system addon operations are ${ADDON_OPERATIONS.join(", ")}`,
    );
  }
  const argv = checkArgs(args);
  if (plugin.state !== "enabled") {
    throw new ConflictError(
      `Cannot run ${op} on "${id}": it is ${plugin.state}; grant and enable it first ` +
        `("plugd plugin grant ${id}", "plugd plugin enable ${id}")`,
    );
  }
  if (!(await offered()).includes(op)) {
    throw new ConflictError(
      `Addon "${id}" does not implement addon_${op}; its operations are ` +
        (await offered()).join(", "),
    );
  }
  return { op, argv };
}

/**
 * Stores the running record of `input`, addon `id`'s status while `input.op` runs (if it moves)
 * and the audit entry, in one write; answers the record.
 */
export async function recordStart(
  store: Store,
  id: string,
  input: CallInput,
): Promise<ExecutionRecord> {
  const state = await readAddonState(store, id) ?? initialAddonState(id);
  const record = runningRecord(input, state.status);
  const moving = statusWhileRunning(input.op);
  const now = record.started_at;
  await store.write(async () => ({
    statements: [
      saveExecutionStatement(record),
      ...(moving
        ? [addonStateStatement({ ...state, status: moving, message: "", updatedAt: now })]
        : []),
      await auditStatement(store, {
        actor: input.actor,
        action: "plugin.operation",
        target: id,
        result: "started",
        detail: { operation: input.op, execution: input.id, args: input.args },
      }),
    ],
  }));
  return record;
}
