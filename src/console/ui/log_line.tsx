/** One log line, the same markup at page load and when streamed (all text made inert). */
import type { Child } from "hono/jsx";
import { inert } from "../inert_text.ts";

/** A line as the API gives it. */
export interface LogLineData {
  ts: number | string;
  stream?: string;
  level?: string;
  msg?: string;
}

const LEVELS = new Set(["debug", "info", "warn", "error"]);

/** The `<li>` of one line. */
export function LogLine(props: { line: LogLineData }): Child {
  const l = props.line;
  const level = LEVELS.has(String(l.level)) ? String(l.level) : "info";
  const date = new Date(typeof l.ts === "number" ? l.ts : Date.parse(String(l.ts)));
  const iso = Number.isNaN(date.getTime()) ? "" : date.toISOString();
  return (
    <li data-level={level} data-ts={String(date.getTime())}>
      <time datetime={iso}>{iso.slice(11, 23)}</time>
      <span class={`lvl-${level}`}>{level}</span>
      <span class="msg">
        {l.stream && l.stream !== "log" ? <span class="muted">[{inert(l.stream)}]</span> : ""}
        {inert(l.msg)}
      </span>
    </li>
  );
}
