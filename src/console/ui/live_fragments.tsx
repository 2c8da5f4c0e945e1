/**
 * Fragments that the live feed keeps current on open pages (named SSE events, swapped by htmx):
 * `state-<id>` (state badge), `counters-<id>` (calls, errors, restarts, denials) and `counts`
 * (plugins by state, on the overview). Pages render the same components at load.
 */
import type { Child } from "hono/jsx";
import type { PluginSummary } from "../types.ts";
import { inert } from "../inert_text.ts";
import { StateBadge } from "./components.tsx";

/** Lifecycle and runtime states counted on the overview, in display order. */
const COUNTED = ["enabled", "running", "installed", "disabled", "backoff", "failed"] as const;

/** Calls, errors, restarts and denials of one plugin. */
export function Counters(
  props: { p: Pick<PluginSummary, "invocations" | "errors" | "restarts" | "denials" | "health"> },
): Child {
  const p = props.p;
  const health = healthText(p.health);
  return (
    <span class="counters">
      {health && (
        <span class={health === "healthy" ? "" : "warn"} title="last health check">
          {inert(health)}
        </span>
      )}
      <span title="calls">{p.invocations ?? 0} calls</span>
      <span class={p.errors ? "warn" : ""} title="errors">{p.errors ?? 0} errors</span>
      <span title="restarts">{p.restarts ?? 0} restarts</span>
      <span class={p.denials ? "bad" : ""} title="permission denials">{p.denials ?? 0} denied</span>
    </span>
  );
}

/** A health answer in a few words (plugin-supplied: made inert by the caller's JSX). */
export function healthText(health: unknown): string {
  if (health === null || health === undefined) return "";
  const status = (health as { status?: unknown }).status;
  return typeof status === "string" ? status.slice(0, 40) : JSON.stringify(health).slice(0, 40);
}

/** Number of plugins per state (lifecycle, plus running/backoff from the runtime). */
export function countByState(plugins: PluginSummary[]): Record<string, number> {
  const counts: Record<string, number> = { total: plugins.length };
  for (const name of COUNTED) counts[name] = 0;
  for (const p of plugins) {
    counts[p.state] = (counts[p.state] ?? 0) + 1;
    if (p.runtime === "running" || p.runtime === "backoff") counts[p.runtime]! += 1;
  }
  return counts;
}

/** The overview's counts block. */
export function StateCounts(props: { plugins: PluginSummary[] }): Child {
  const counts = countByState(props.plugins);
  return (
    <dl class="stats">
      <div>
        <dt>total</dt>
        <dd>{counts.total}</dd>
      </div>
      {COUNTED.map((name) => (
        <div
          class={name === "failed" && counts[name]
            ? "bad"
            : name === "backoff" && counts[name]
            ? "warn"
            : ""}
        >
          <dt>{name}</dt>
          <dd>
            <a href={`/ui/plugins?state=${name}`}>{counts[name]}</a>
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Rendered fragments by their inputs: a tick re-renders only plugins whose figures moved. */
const rendered = new Map<string, string>();

function memo(key: string, render: () => string): string {
  let html = rendered.get(key);
  if (html === undefined) {
    if (rendered.size > 20_000) rendered.clear();
    rendered.set(key, html = render());
  }
  return html;
}

/** Every live fragment for the current plugin list. */
export function liveFragments(plugins: PluginSummary[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of plugins) {
    out.set(
      `state-${p.id}`,
      memo(
        `s|${p.state}|${p.runtime}`,
        () => String(<StateBadge state={p.state} runtime={p.runtime} />),
      ),
    );
    const figures = [p.invocations, p.errors, p.restarts, p.denials, healthText(p.health)];
    out.set(
      `counters-${p.id}`,
      memo(`c|${JSON.stringify(figures)}`, () => String(<Counters p={p} />)),
    );
  }
  out.set("counts", String(<StateCounts plugins={plugins} />));
  return out;
}
