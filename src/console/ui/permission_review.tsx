/**
 * The permission review: every requested permission with its risk level, what it means in plain
 * words, and (for updates) what was added or removed. Shown before anything is granted.
 */
import type { Child } from "hono/jsx";
import { inert } from "../inert_text.ts";
import type { RiskEntry } from "../types.ts";
import { RiskPill, TableWrap } from "./components.tsx";

/** What each permission kind lets a plugin do, in plain words. */
const MEANING: Record<string, (value: string) => string> = {
  net: (v) => `open network connections to ${v}`,
  read: (v) => `read files under ${v}`,
  write: (v) => `create, change and delete files under ${v}`,
  env: (v) => `read the environment variable ${v}`,
  sys: (v) => `read system information: ${v}`,
  run: (v) => `run the program ${v} (outside Deno's checks; treat as full access)`,
  emit: (v) => `emit events of type ${v}`,
  ui: (v) =>
    v.startsWith("page:")
      ? `add the page "${v.slice(5)}" to the console (a sandboxed frame, its own routes only)`
      : `add the widget "${v.slice(7).split("@")[0]}" to the console's ${v.split("@")[1]}`,
  public: (v) => `let anyone who can reach plugd call ${v}, without a token`,
  privileged: () =>
    "run its scripts as ROOT on this host's filesystem: install packages, change /etc, manage " +
    "services (full control of the machine)",
};

const FLAGS: Record<string, string> = {
  net: "--allow-net",
  read: "--allow-read",
  write: "--allow-write",
  env: "--allow-env",
  sys: "--allow-sys",
  run: "--allow-run",
  emit: "(enforced by the daemon)",
  ui: "(served by the daemon)",
  public: "(served by the daemon at /hooks/)",
  privileged: "(root, outside the walls)",
};

/** Plain words for one permission entry. */
export function meaning(kind: string, value: string): string {
  return (MEANING[kind] ?? ((v: string) => `${kind}: ${v}`))(value);
}

/** Options of {@linkcode PermissionReview}. */
export interface ReviewProps {
  risks: RiskEntry[];
  /** For an update: entries that are new or gone. */
  diff?: { added: RiskEntry[]; removed: RiskEntry[] };
  caption: string;
}

/** The review table. */
export function PermissionReview(props: ReviewProps): Child {
  const rows: { r: RiskEntry; change?: "added" | "removed" }[] = props.diff
    ? [
      ...props.diff.added.map((r) => ({ r, change: "added" as const })),
      ...props.diff.removed.map((r) => ({ r, change: "removed" as const })),
      ...props.risks.filter((r) =>
        !props.diff!.added.some((a) => a.kind === r.kind && a.value === r.value)
      ).map((r) => ({ r })),
    ]
    : props.risks.map((r) => ({ r }));
  if (rows.length === 0) {
    return (
      <p class="empty">
        This plugin asks for no permissions: it can compute and answer hooks only.
      </p>
    );
  }
  return (
    <TableWrap label={props.caption}>
      <table class="review">
        <caption class="muted small">{props.caption}</caption>
        <thead>
          <tr>
            {props.diff && <th scope="col">Change</th>}
            <th scope="col">Risk</th>
            <th scope="col">Permission</th>
            <th scope="col">What it allows</th>
            <th scope="col">Why this level</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ r, change }) => (
            <tr class={change ? `diff-${change}` : ""} data-kind={r.kind}>
              {props.diff && (
                <td>
                  {change === "added"
                    ? "+ added"
                    : change === "removed"
                    ? "− removed"
                    : "unchanged"}
                </td>
              )}
              <td>
                <RiskPill level={r.level} />
              </td>
              <td class="mono">
                {inert(r.kind)}: {inert(r.value)}
                <div class="muted small">{FLAGS[r.kind] ?? ""}</div>
              </td>
              <td>{inert(meaning(r.kind, r.value))}</td>
              <td class="muted">{inert(r.reason)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/**
 * The separate confirmation a privileged system addon's grant needs: never bundled with the other
 * permissions, the grant is refused unless it is ticked.
 */
export function PrivilegedConfirm(): Child {
  return (
    <div class="privileged-confirm" data-privileged>
      <p>
        <span class="risk risk-critical">critical</span>{" "}
        <strong>This addon asks to run as root on this host.</strong>{" "}
        Its scripts can do anything to the machine; the sandbox does not contain them.
      </p>
      <label>
        <input type="checkbox" name="confirm_privileged" value="yes" required />{" "}
        I trust its author with root on this host
      </label>
    </div>
  );
}

/** Shell-quotes one argument for display. */
function quote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

/** The exact sandbox command line, one option per line. */
export function CommandLine(props: { argv: string[]; env?: string[] }): Child {
  const lines: string[] = [];
  let current = "";
  for (const arg of props.argv) {
    if (arg.startsWith("-") && current) {
      lines.push(current);
      current = quote(arg);
    } else current = current ? `${current} ${quote(arg)}` : quote(arg);
  }
  if (current) lines.push(current);
  return (
    <>
      <pre class="cmdline">{inert(lines.join(" \\\n  "))}</pre>
      {props.env && props.env.length > 0 && (
        <p class="small muted">
          Environment passed in: <code>{inert(props.env.join(" "))}</code>
        </p>
      )}
    </>
  );
}
