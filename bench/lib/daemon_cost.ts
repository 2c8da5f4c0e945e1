/**
 * What a batch of requests cost the daemon, independent of how busy the machine is: database
 * commits (from `plugd_store_commit_seconds` in `/metrics`) and CPU time of the daemon process
 * (all its threads, from `/proc`) per request. Wall-clock rates on a shared machine move with the
 * neighbours; these move only with the code.
 */
import type { SocketClient } from "./daemon_client.ts";
import { cpuSeconds } from "./proc.ts";

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
  const text = (await c.text("GET", "/metrics")).text;
  const m = new RegExp(`^${name}(?:\\{\\})? (\\S+)$`, "m").exec(text);
  return m ? Number(m[1]) : NaN;
}

/** Reads the counters now. */
export async function costMark(c: SocketClient, pid: number): Promise<CostMark> {
  return {
    commits: await metric(c, "plugd_store_commit_seconds_count"),
    commitSeconds: await metric(c, "plugd_store_commit_seconds_sum"),
    cpu: await cpuSeconds(pid),
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
