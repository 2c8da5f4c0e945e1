/** Bounded, strict YAML reading for `plugin.yaml`. Private to src/manifest. */
import YAML from "yaml";
import type { Problems } from "./_fields.ts";

/** Options of {@link readYaml}. */
export interface ReadYamlOptions {
  /** Largest accepted document in UTF-8 bytes. */
  maxBytes: number;
  /** Most alias expansions accepted. */
  maxAliasCount: number;
}

const FIELD = "plugin.yaml";

/**
 * Parses `text` as one YAML document with unique keys and no custom tags.
 * Returns `{ ok: false }` after pushing problems; never throws.
 */
export function readYaml(
  text: string,
  p: Problems,
  options: ReadYamlOptions,
): { ok: true; value: unknown } | { ok: false } {
  // A UTF-8 encoding is never shorter than the UTF-16 length, so this skips encoding huge input.
  const bytes = text.length > options.maxBytes
    ? text.length
    : new TextEncoder().encode(text).byteLength;
  if (bytes > options.maxBytes) {
    p.push({
      field: FIELD,
      message: `is ${bytes} bytes; the limit is ${options.maxBytes} bytes (` +
        `${options.maxBytes / 1024} KiB): move data out of the manifest into files`,
    });
    return { ok: false };
  }
  let doc: YAML.Document.Parsed;
  try {
    doc = YAML.parseDocument(text, {
      uniqueKeys: true,
      merge: false,
      schema: "core",
      prettyErrors: true,
      strict: true,
    });
  } catch (cause) {
    p.push({ field: FIELD, message: `cannot be parsed as YAML: ${errorText(cause)}` });
    return { ok: false };
  }
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const fix = e.code === "DUPLICATE_KEY" ? "; remove or rename the repeated key" : "";
      p.push({ field: FIELD, message: `is not valid YAML: ${oneLine(e.message)}${fix}` });
    }
    return { ok: false };
  }
  let tagged = false;
  YAML.visit(doc, (_key, node) => {
    if ((YAML.isScalar(node) || YAML.isCollection(node)) && node.tag) tagged = true;
  });
  if (tagged) {
    p.push({
      field: FIELD,
      message: "uses an explicit YAML tag (like !!binary or !custom); remove it: " +
        "plugin.yaml holds only plain strings, numbers, booleans, lists and mappings",
    });
    return { ok: false };
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: options.maxAliasCount }) };
  } catch (cause) {
    const msg = errorText(cause);
    p.push({
      field: FIELD,
      message: /alias/i.test(msg)
        ? `uses more than ${options.maxAliasCount} YAML alias expansions (a "billion laughs" ` +
          "document?); write the values out instead of using anchors and aliases"
        : `cannot be read: ${msg}`,
    });
    return { ok: false };
  }
}

function errorText(e: unknown): string {
  return oneLine(e instanceof Error ? e.message : String(e));
}

function oneLine(s: string): string {
  return (s.split("\n")[0] ?? "").trim().replace(/:$/, "");
}
