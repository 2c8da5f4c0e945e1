/**
 * Fault injection for the crash-safety tests: `PLUGD_TEST_CRASH_AT=<step>` makes the daemon
 * SIGKILL itself when it reaches that step of a lifecycle change, so a test hits each step
 * exactly instead of racing a signal against it. Unset (always, outside tests), it does nothing.
 *
 * Steps: `install.staged` (files copied and prepared, no row yet), `update.switching` (switch
 * recorded, old version stopped, new one not started), `update.checked` (new version healthy, not
 * yet recorded), `uninstall.removing` (rows gone, files not yet).
 */
export type CrashStep =
  | "install.staged"
  | "update.switching"
  | "update.checked"
  | "uninstall.removing";

/** Kills the daemon at once when `PLUGD_TEST_CRASH_AT` names `step`. */
export function crashPoint(step: CrashStep): void {
  let at: string | undefined;
  try {
    at = Deno.env.get("PLUGD_TEST_CRASH_AT");
  } catch { /* no env permission: no crash points */ }
  if (at === step) Deno.kill(Deno.pid, "SIGKILL");
}
