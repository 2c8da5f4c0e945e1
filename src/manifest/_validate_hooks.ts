/** Validation of `hooks:`. Private to src/manifest. */
import {
  DEFAULT_HOOK_PRIORITY,
  LIMIT_CEILINGS,
  LIMIT_FLOORS,
  MAX_HOOK_PRIORITY,
  MAX_HOOKS,
  MIN_HOOK_PRIORITY,
} from "./constants.ts";
import { isEventPattern, isEventType } from "../permissions/mod.ts";
import type { HookDecl, HookKind, TaskSettings } from "./types.ts";
import {
  at,
  checkKeys,
  expectList,
  intInRange,
  isRecord,
  type Problems,
  typeName,
} from "./_fields.ts";

const KINDS: readonly HookKind[] = ["action", "filter", "gate", "task"];
const TASK_KEYS = ["concurrency", "timeout_ms", "retries", "fleet"];
const ALLOWED_KEYS = [...KINDS, "priority", ...TASK_KEYS];
/** Most retries a task type may declare. */
export const MAX_TASK_RETRIES = 20;
const EXAMPLE = "[{ action: deployment.post_create, priority: 10 }]";

/** Validates `hooks:`; returns the valid entries with default priorities. */
export function validateHooks(v: unknown, p: Problems): HookDecl[] {
  if (v === undefined || v === null) return [];
  if (!expectList(v, "hooks", p, EXAMPLE)) return [];
  if (v.length > MAX_HOOKS) {
    p.push({ field: "hooks", message: `has ${v.length} entries; the limit is ${MAX_HOOKS}` });
  }
  const out: HookDecl[] = [];
  const seen = new Map<string, number>();
  v.forEach((item, i) => {
    const hook = validateHook(item, at("hooks", i), p);
    if (!hook) return;
    const key = `${hook.kind} ${hook.name}`;
    const first = seen.get(key);
    if (first !== undefined) {
      p.push({
        field: at("hooks", i),
        message:
          `${hook.kind} ${JSON.stringify(hook.name)} is already declared at hooks[${first}]; ` +
          "declare each hook once",
      });
      return;
    }
    seen.set(key, i);
    out.push(hook);
  });
  return out;
}

function validateHook(item: unknown, path: string, p: Problems): HookDecl | undefined {
  if (!isRecord(item)) {
    p.push({
      field: path,
      message: `must be a mapping like { action: deployment.post_create }; got ${typeName(item)}`,
    });
    return undefined;
  }
  const before = p.length;
  checkKeys(item, ALLOWED_KEYS, path, p);
  const kinds = KINDS.filter((k) => k in item);
  if (kinds.length !== 1) {
    p.push({
      field: path,
      message: kinds.length === 0
        ? "names no hook kind; write one of action:, filter:, gate: with the event name or task: " +
          "with the task type"
        : `declares ${kinds.join(" and ")} in one entry; write one hook per list item`,
    });
    return undefined;
  }
  const kind = kinds[0] as HookKind;
  const name = item[kind];
  const namePath = at(path, kind);
  if (typeof name !== "string") {
    p.push({
      field: namePath,
      message: `must be an event name like deployment.post_create; got ${typeName(name)}`,
    });
  } else if (kind === "action" ? !isEventPattern(name) : !isEventType(name)) {
    p.push({
      field: namePath,
      message: `${JSON.stringify(name)} is not a valid name; use lowercase dotted segments of ` +
        "a-z, 0-9 and _ (like deployment.post_create)" +
        (kind === "action"
          ? ', optionally ending in ".*"'
          : "; wildcards are only allowed for action hooks"),
    });
  }
  let priority: number | undefined = DEFAULT_HOOK_PRIORITY;
  if (item.priority !== undefined) {
    priority = intInRange(
      item.priority,
      at(path, "priority"),
      p,
      MIN_HOOK_PRIORITY,
      MAX_HOOK_PRIORITY,
    );
  }
  const task = kind === "task" ? taskSettings(item, path, p) : undefined;
  if (kind !== "task") {
    for (const key of TASK_KEYS.filter((k) => k in item)) {
      p.push({ field: at(path, key), message: `only task: hooks take ${key}` });
    }
  } else if (item.priority !== undefined) {
    p.push({ field: at(path, "priority"), message: "task: hooks take no priority" });
  }
  if (p.length !== before || typeof name !== "string" || priority === undefined) return undefined;
  return task ? { kind, name, priority, task } : { kind, name, priority };
}

function taskSettings(item: Record<string, unknown>, path: string, p: Problems): TaskSettings {
  const int = (key: string, min: number, max: number, fallback: number | null) =>
    item[key] === undefined ? fallback : intInRange(item[key], at(path, key), p, min, max) ?? null;
  return {
    concurrency: int("concurrency", 1, LIMIT_CEILINGS.concurrency, 1) ?? 1,
    timeout_ms: int("timeout_ms", LIMIT_FLOORS.timeout_ms, LIMIT_CEILINGS.timeout_ms, null),
    retries: int("retries", 0, MAX_TASK_RETRIES, 3) ?? 3,
    fleet: fleetFlag(item.fleet, at(path, "fleet"), p),
  };
}

/** `fleet: true` queues the type's tasks on the fleet's work queue (any host may take them). */
function fleetFlag(v: unknown, path: string, p: Problems): boolean {
  if (v === undefined) return false;
  if (typeof v === "boolean") return v;
  p.push({
    field: path,
    message: `must be true or false (true: any host of the fleet that runs this plugin may take ` +
      `these tasks); got ${typeName(v)}`,
  });
  return false;
}
