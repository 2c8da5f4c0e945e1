/**
 * Handing a start to a seat (`_cgroup_seat.ts`): whether a plan fits one, and moving the seat's
 * cgroup folders to the plan's. Moved out of `process_runner.ts`.
 */
import type { CgroupSeat } from "./_cgroup_seat.ts";
import { exists, removedNow } from "./_launch_cgroups.ts";
import type { LaunchPlan } from "./launch_plan.ts";
import { type LauncherParts, parseLauncherArgv } from "./launcher.ts";

/** The seat a plan can use: its launcher parts and its cgroups' parent folders. */
export function seatFit(plan: LaunchPlan): { parts: LauncherParts; parents: string[] } | null {
  if (plan.cgroups.length === 0 || Object.keys(plan.env).length > 0) return null;
  const parts = parseLauncherArgv(plan.argv);
  if (!parts || parts.cgroupProcs.length !== plan.cgroups.length) return null;
  const parents: string[] = [];
  for (const [i, c] of plan.cgroups.entries()) {
    if (parts.cgroupProcs[i] !== `${c.dir}/cgroup.procs`) return null;
    parents.push(c.dir.slice(0, c.dir.lastIndexOf("/")));
  }
  return { parts, parents };
}

/**
 * Moves a seat's folders to the plan's cgroups (a rename: the seat stays in them, nothing
 * migrates) and writes the plan's limits there, before the seat is told to go. Throws, having
 * ended the seat, when a step fails; `RenameUnsupported` when cgroups cannot be renamed (v2).
 */
export async function seatCgroups(seat: CgroupSeat, plan: LaunchPlan): Promise<void> {
  const where = [...seat.dirs];
  try {
    for (const [i, c] of plan.cgroups.entries()) {
      if (exists(c.dir) && !removedNow(c.dir)) throw new Error(`${c.dir} is still busy`);
      try {
        Deno.renameSync(where[i]!, c.dir);
      } catch (e) {
        throw new RenameUnsupported(e);
      }
      where[i] = c.dir;
    }
    // A seat's folders are fresh: only the plan's own values, no defaults to restore.
    for (const c of plan.cgroups) {
      for (const [file, value] of c.files) Deno.writeTextFileSync(`${c.dir}/${file}`, value);
    }
  } catch (error) {
    await seat.discard(where);
    throw error;
  }
}

/** cgroup folders cannot be renamed here (cgroup v2): seats are turned off. */
export class RenameUnsupported extends Error {
  constructor(cause: unknown) {
    super("cgroup folders cannot be renamed here", { cause });
    this.name = "RenameUnsupported";
  }
}
