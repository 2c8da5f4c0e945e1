/** Validation of `cron:`. Private to src/manifest. */
import { Cron } from "croner";
import { MAX_CRON_JOBS } from "./constants.ts";
import type { CronDecl } from "./types.ts";
import { at, checkKeys, expectList, isRecord, type Problems, typeName } from "./_fields.ts";

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const EXAMPLE = '[{ name: digest, schedule: "0 9 * * 1-5" }]';

/** Validates `cron:`; returns the valid entries. */
export function validateCron(v: unknown, p: Problems): CronDecl[] {
  if (v === undefined || v === null) return [];
  if (!expectList(v, "cron", p, EXAMPLE)) return [];
  if (v.length > MAX_CRON_JOBS) {
    p.push({ field: "cron", message: `has ${v.length} entries; the limit is ${MAX_CRON_JOBS}` });
  }
  const out: CronDecl[] = [];
  const seen = new Map<string, number>();
  v.forEach((item, i) => {
    const path = at("cron", i);
    if (!isRecord(item)) {
      p.push({
        field: path,
        message: `must be a mapping like ${EXAMPLE.slice(1, -1)}; got ${typeName(item)}`,
      });
      return;
    }
    const before = p.length;
    checkKeys(item, ["name", "schedule"], path, p);
    const { name, schedule } = item;
    if (typeof name !== "string" || !NAME.test(name)) {
      p.push({
        field: at(path, "name"),
        message:
          `${name === undefined ? "is required" : `${typeName(name)} is not a valid job name`}; ` +
          "use lowercase letters, digits, '_' and '-', like digest",
      });
    } else if (seen.has(name)) {
      p.push({
        field: at(path, "name"),
        message: `"${name}" is already used by cron[${seen.get(name)}]; pick another name`,
      });
    } else {
      seen.set(name, i);
    }
    const problem = scheduleProblem(schedule);
    if (problem) p.push({ field: at(path, "schedule"), message: problem });
    if (p.length === before) out.push({ name: name as string, schedule: schedule as string });
  });
  return out;
}

/** Why `schedule` is not a valid 5- or 6-field cron expression, or undefined. */
export function scheduleProblem(schedule: unknown): string | undefined {
  const fix = 'write 5 fields (minute hour day month weekday) like "0 9 * * 1-5", ' +
    "or 6 with seconds first";
  if (schedule === undefined) return `is required; ${fix}`;
  if (typeof schedule !== "string") return `must be a string; got ${typeName(schedule)}; ${fix}`;
  const fields = schedule.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    return `${JSON.stringify(schedule)} has ${fields} field(s); ${fix}`;
  }
  try {
    new Cron(schedule, { paused: true }).stop();
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/^CronPattern: /, "") : String(e);
    return `${JSON.stringify(schedule)} is not a valid cron expression (${why}); ${fix}`;
  }
  return undefined;
}
