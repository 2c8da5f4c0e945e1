/** Validation of `commands:`. Private to src/manifest. */
import { argNames } from "./command_args.ts";
import { LIMIT_CEILINGS, LIMIT_FLOORS, MAX_COMMANDS } from "./constants.ts";
import type { CommandDecl } from "./types.ts";
import {
  at,
  checkKeys,
  expectList,
  expectRecord,
  intInRange,
  type Problems,
  stringField,
  typeName,
} from "./_fields.ts";

const NAME = /^[a-z][a-z0-9-]{0,31}$/;
const KEYS = ["name", "summary", "args", "secret", "timeout_ms"];
const EXAMPLE = '[{ name: notify, summary: "Send a message", args: "<text>" }]';

/** Validates `commands:`; returns the valid entries (undefined when absent). */
export function validateCommands(v: unknown, p: Problems): CommandDecl[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!expectList(v, "commands", p, EXAMPLE)) return undefined;
  if (v.length > MAX_COMMANDS) {
    p.push({ field: "commands", message: `has ${v.length} entries; the limit is ${MAX_COMMANDS}` });
  }
  const out: CommandDecl[] = [];
  const seen = new Set<string>();
  v.forEach((item, i) => {
    const path = at("commands", i);
    if (!expectRecord(item, path, p, EXAMPLE.slice(1, -1))) return;
    const before = p.length;
    checkKeys(item, KEYS, path, p);
    const name = item.name;
    if (typeof name !== "string" || !NAME.test(name)) {
      p.push({
        field: at(path, "name"),
        message: `must be a lowercase word like "notify" (a-z, 0-9, "-", at most 32); got ${
          typeName(name)
        }`,
      });
    } else if (seen.has(name)) {
      p.push({ field: at(path, "name"), message: `"${name}" is declared twice; rename one` });
    }
    const summary = stringField(item, "summary", p, {
      required: true,
      example: '"Send a message to the channel"',
      maxLength: 120,
      path,
    });
    const args = item.args === undefined || item.args === null || item.args === ""
      ? ""
      : stringField(item, "args", p, { required: false, example: '"<text>"', path });
    const secret = secretNames(item.secret, args ?? "", at(path, "secret"), p);
    const timeout = item.timeout_ms === undefined ? undefined : intInRange(
      item.timeout_ms,
      at(path, "timeout_ms"),
      p,
      LIMIT_FLOORS.timeout_ms,
      LIMIT_CEILINGS.timeout_ms,
    );
    if (p.length > before) return;
    seen.add(name as string);
    out.push({
      name: name as string,
      summary: summary!,
      args: args ?? "",
      secret,
      ...(timeout !== undefined ? { timeout_ms: timeout } : {}),
    });
  });
  return out;
}

function secretNames(v: unknown, args: string, field: string, p: Problems): string[] {
  if (v === undefined || v === null) return [];
  if (!expectList(v, field, p, "[password]")) return [];
  const declared = argNames(args);
  const out: string[] = [];
  v.forEach((name, i) => {
    if (typeof name !== "string" || !declared.has(name)) {
      p.push({
        field: at(field, i),
        message: `${typeName(name)} is not an argument of args: ${JSON.stringify(args)}; name a ` +
          "<name> or --name written there",
      });
    } else out.push(name);
  });
  return out;
}
