/**
 * What a batch of requests cost the daemon, independent of how busy the machine is: database
 * commits (from `plugd_store_commit_seconds` in `/metrics`) and CPU time of the daemon process
 * (all its threads, from `/proc`) per request. Wall-clock rates on a shared machine move with the
 * neighbours; these move only with the code.
 */
import type { SocketClient } from "./daemon_client.ts";

/**
 * CPU seconds `pid` used so far, read synchronously: after heavy socket load Deno 2.9 may never
 * resolve an async file read in this process (see bench/run.ts).
 */
export function cpuSecondsSync(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** A reading taken before a batch of requests. */
export interface CostMark {
  commits: number;
  commitSeconds: number;
  cpu: number;
}

/** Per request between a mark and now. */
export interface CostPerRequest {
  /** Commits per 1,000 requests. */
  commits_per_1k: number;
  /** Mean time of one commit, ms (on the writer thread). */
  commit_ms: number;
  /** Daemon CPU (user + system, every thread) per request, µs. */
  daemon_cpu_us: number;
}

async function metric(c: SocketClient, name: string): Promise<number> {
  // Once more on a broken connection: the daemon closes keep-alive connections left idle (e.g.
  // while a floor was measured), and the pool may hand out such a one first.
  const text = await c.text("GET", "/metrics").catch(() => c.text("GET", "/metrics"))
    .then((a) => a.text);
  const m = new RegExp(`^${name}(?:\\{\\})? (\\S+)$`, "m").exec(text);
  return m ? Number(m[1]) : NaN;
}

/** Reads the counters now. */
export async function costMark(c: SocketClient, pid: number): Promise<CostMark> {
  return {
    commits: await metric(c, "plugd_store_commit_seconds_count"),
    commitSeconds: await metric(c, "plugd_store_commit_seconds_sum"),
    cpu: cpuSecondsSync(pid),
  };
}

/** The cost of the `requests` made since `mark`. */
export async function costSince(
  c: SocketClient,
  pid: number,
  mark: CostMark,
  requests: number,
): Promise<CostPerRequest> {
  const now = await costMark(c, pid);
  const commits = now.commits - mark.commits;
  return {
    commits_per_1k: Math.round((commits / requests) * 1000 * 10) / 10,
    commit_ms: commits > 0
      ? Math.round(((now.commitSeconds - mark.commitSeconds) / commits) * 1000 * 100) / 100
      : 0,
    daemon_cpu_us: Math.round(((now.cpu - mark.cpu) / requests) * 1e6),
  };
}

/** The mean of several rounds' costs. */
export function meanCost(costs: CostPerRequest[]): CostPerRequest {
  const mean = (f: (c: CostPerRequest) => number) =>
    Math.round((costs.reduce((s, c) => s + f(c), 0) / Math.max(1, costs.length)) * 10) / 10;
  return {
    commits_per_1k: mean((c) => c.commits_per_1k),
    commit_ms: mean((c) => c.commit_ms),
    daemon_cpu_us: mean((c) => c.daemon_cpu_us),
  };
}
