/** The one results table printed by `deno task bench`. */
import type { MeasureResult } from "./stats.ts";

function num(v: number): string {
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString("en-US");
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

function value(r: MeasureResult): string {
  const unit = r.unit === "ratio" ? "x" : ` ${r.unit}`;
  const main = `${num(r.median)}${unit}`;
  if (r.p99 === null || r.count <= 1) return main;
  const label = r.unit.endsWith("/s") ? "worst" : "p99";
  const p95 = r.p95 === undefined ? "" : `p95 ${num(r.p95)}, `;
  return `${main} (${p95}${label} ${num(r.p99)}, n=${r.count})`;
}

function target(r: MeasureResult): string {
  if (!r.target) return "-";
  if (r.target.stat === "ratio") return `${r.target.op} ${num(r.target.value)}x floor`;
  const unit = r.unit === "ratio" ? "x" : ` ${r.unit}`;
  const stat = r.target.stat === "median" ? "" : `${r.target.stat} `;
  return `${stat}${r.target.op} ${num(r.target.value)}${unit}`;
}

function floor(r: MeasureResult): string {
  if (!r.floor) return "-";
  const unit = r.unit === "ratio" ? " ms" : ` ${r.unit}`;
  const ratio = r.ratio === undefined || r.unit === "ratio" ? "" : ` (${num(r.ratio)}x)`;
  return `${r.floor.name}: ${num(r.floor.median)}${unit}${ratio}`;
}

/** Renders rows as a Markdown table (readable in a terminal, pasteable into docs). */
export function renderTable(results: MeasureResult[]): string {
  const rows = [["measure", "value", "target", "result", "floor (ratio)"]];
  for (const r of results) {
    const verdict = r.pass === null ? "n/a" : r.pass ? "pass" : "MISS";
    rows.push([r.name, value(r), target(r), verdict, floor(r)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  const sep = `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`;
  return [line(rows[0]!), sep, ...rows.slice(1).map(line)].join("\n");
}
