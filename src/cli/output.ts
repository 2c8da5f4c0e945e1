import type { CommandContext } from "./command.ts";

/** Prints `data` as JSON with `--json`, else the human text `render` makes. */
export function print(ctx: CommandContext, data: unknown, render: () => string): void {
  ctx.io.out(ctx.options.json ? JSON.stringify(data, null, 2) : render());
}

/** Formats rows as an aligned text table with a header. */
export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [
    headers,
    ...rows.map((r) => r.map((c) => (c === null || c === undefined ? "-" : String(c)))),
  ];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  return cells.map((r) => r.map((c, i) => (c ?? "").padEnd(widths[i]!)).join("  ").trimEnd())
    .join("\n");
}
