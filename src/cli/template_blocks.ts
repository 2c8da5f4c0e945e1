/**
 * The optional parts of the plugin template (`plugd plugin new --with ui,webhook,command`): lines
 * between `#if <feature>` and `#endif` (with an optional `#else`), written as a comment of the
 * file's language (`// #if ui`, `# #if ui`, `<!-- #if ui -->`), are kept when the feature was
 * asked for; the marker lines themselves never are.
 */

const MARKER = /^\s*(?:\/\/|#|<!--)\s*#(if|else|endif)\b\s*([a-z-]*)\s*(?:-->)?\s*$/;

/** The features a template knows. */
export const TEMPLATE_FEATURES = ["ui", "webhook", "command"] as const;
/** One optional feature of the template. */
export type TemplateFeature = typeof TEMPLATE_FEATURES[number];

/**
 * `text` with the blocks of `features` kept and the others removed.
 *
 * @example
 * ```ts
 * applyTemplateBlocks("a\n// #if ui\nb\n// #endif\n", new Set(["ui"])); // "a\nb\n"
 * ```
 */
export function applyTemplateBlocks(text: string, features: ReadonlySet<string>): string {
  const out: string[] = [];
  let keep = true;
  let open: string | null = null;
  for (const line of text.split("\n")) {
    const marker = MARKER.exec(line);
    if (!marker) {
      if (keep) out.push(line);
      continue;
    }
    const [, word, feature] = marker;
    if (word === "if") {
      if (open !== null) throw new Error(`nested #if ${feature} inside #if ${open}`);
      open = feature!;
      keep = features.has(open);
    } else if (word === "else") keep = open !== null && !features.has(open);
    else {
      open = null;
      keep = true;
    }
  }
  if (open !== null) throw new Error(`#if ${open} has no #endif`);
  return out.join("\n");
}
