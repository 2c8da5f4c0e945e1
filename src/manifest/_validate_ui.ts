/** Validation of `ui:` (console pages and widgets). Private to src/manifest. */
import { UI_SLOTS } from "../permissions/mod.ts";
import { MAX_UI_ENTRIES, UI_RESERVED_FOLDER } from "./constants.ts";
import type { UiDecl, UiPage, UiWidget } from "./types.ts";
import {
  at,
  checkKeys,
  expectList,
  expectRecord,
  type Problems,
  stringField,
  typeName,
} from "./_fields.ts";

const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const PATH_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const EXAMPLE = '{ pages: [{ id: pipelines, title: "Pipelines", path: "ui/index.html" }] }';

/** Why `path` is not a package-relative HTML file path, or undefined. */
export function uiPathProblem(path: string): string | undefined {
  const q = JSON.stringify(path);
  if (path.startsWith("/") || path.includes("\\")) {
    return `${q} must be a path inside the package with "/" separators, like "ui/index.html"`;
  }
  const segments = path.split("/");
  if (segments.some((s) => !PATH_SEGMENT.test(s))) {
    return `${q}: each segment may use A-Z a-z 0-9 _ . - (no "..", empty or hidden segments)`;
  }
  if (segments[0] === UI_RESERVED_FOLDER) {
    return `${q}: ${UI_RESERVED_FOLDER}/ is where plugd serves @plugd/sdk/ui; use another folder`;
  }
  if (!path.endsWith(".html")) return `${q} must be an .html file`;
  return undefined;
}

/** Validates `ui:`; returns it, or undefined when absent or invalid. */
export function validateUi(v: unknown, p: Problems): UiDecl | undefined {
  if (v === undefined || v === null) return undefined;
  if (!expectRecord(v, "ui", p, EXAMPLE)) return undefined;
  const before = p.length;
  checkKeys(v, ["pages", "widgets"], "ui", p);
  const pages = entries(v.pages, "ui.pages", p, false) as UiPage[];
  const widgets = entries(v.widgets, "ui.widgets", p, true) as UiWidget[];
  if (p.length > before) return undefined;
  return pages.length + widgets.length > 0 ? { pages, widgets } : undefined;
}

function entries(v: unknown, field: string, p: Problems, widget: boolean): UiPage[] {
  if (v === undefined || v === null) return [];
  if (!expectList(v, field, p, widget ? "[{ id, title, path, slot }]" : "[{ id, title, path }]")) {
    return [];
  }
  if (v.length > MAX_UI_ENTRIES) {
    p.push({ field, message: `has ${v.length} entries; the limit is ${MAX_UI_ENTRIES}` });
  }
  const out: UiPage[] = [];
  const seen = new Set<string>();
  v.forEach((item, i) => {
    const path = at(field, i);
    if (!expectRecord(item, path, p, "{ id: status, title: Status, path: ui/status.html }")) {
      return;
    }
    const before = p.length;
    checkKeys(item, widget ? ["id", "title", "path", "slot"] : ["id", "title", "path"], path, p);
    if (typeof item.id !== "string" || !ID.test(item.id)) {
      p.push({
        field: at(path, "id"),
        message: `must be lowercase letters, digits and "-" like "pipelines"; got ${
          typeName(item.id)
        }`,
      });
    } else if (seen.has(item.id)) {
      p.push({ field: at(path, "id"), message: `"${item.id}" is used twice; rename one` });
    }
    const title = stringField(item, "title", p, {
      required: true,
      example: '"Pipelines"',
      maxLength: 60,
      path,
    });
    const file = stringField(item, "path", p, {
      required: true,
      example: '"ui/index.html"',
      path,
    });
    const fileProblem = file === undefined ? undefined : uiPathProblem(file);
    if (fileProblem) p.push({ field: at(path, "path"), message: fileProblem });
    if (widget && !UI_SLOTS.includes(item.slot as string)) {
      p.push({
        field: at(path, "slot"),
        message: `must be one of ${UI_SLOTS.join(", ")}; got ${typeName(item.slot)}`,
      });
    }
    if (p.length > before) return;
    seen.add(item.id as string);
    out.push({
      id: item.id as string,
      title: title!,
      path: file!,
      ...(widget ? { slot: item.slot as UiWidget["slot"] } : {}),
    });
  });
  return out;
}
