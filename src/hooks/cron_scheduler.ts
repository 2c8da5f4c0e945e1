/** Cron (SPEC §4 `cron:`): croner schedules per enabled plugin, never overlapping per job. */
import { Cron } from "croner";
import { MAX_CRON_JOBS } from "../manifest/mod.ts";
import type { PluginRecord } from "../plugins/mod.ts";
import { reasonOf } from "./filter_chain.ts";
import type { HookHost } from "./types.ts";

/** Last-run status of one job, shown in `GET /v1/plugins/{id}` under `cron`. */
export interface CronJobStatus {
  name: string;
  schedule: string;
  next_run_at: string | null;
  running: boolean;
  last_run_at: string | null;
  last_status: "ok" | "error" | "timeout" | "unavailable" | null;
  last_duration_ms: number | null;
  last_error: string | null;
  runs: number;
  /** Ticks skipped because the previous run of this job was still going. */
  skipped_overlaps: number;
}

interface Job {
  key: string;
  pluginId: string;
  cron: Cron;
  status: CronJobStatus;
}

/**
 * Keeps one croner job per manifest `cron:` entry of every enabled plugin. Runs missed while
 * the daemon was down are skipped (the next run is the next scheduled time after start).
 */
export class CronScheduler {
  #host: HookHost;
  #log: (message: string) => void;
  #jobs = new Map<string, Job>();

  constructor(host: HookHost, log: (message: string) => void) {
    this.#host = host;
    this.#log = log;
  }

  /** Starts jobs of newly enabled plugins and stops those no longer wanted. */
  reconcile(plugins: PluginRecord[]): void {
    const wanted = new Set<string>();
    for (const p of plugins) {
      for (const entry of p.manifest.cron.slice(0, MAX_CRON_JOBS)) {
        const key = `${p.id}\u0000${p.version}\u0000${entry.name}\u0000${entry.schedule}`;
        wanted.add(key);
        if (!this.#jobs.has(key)) this.#add(key, p.id, entry.name, entry.schedule);
      }
    }
    for (const [key, job] of this.#jobs) {
      if (!wanted.has(key)) {
        job.cron.stop();
        this.#jobs.delete(key);
      }
    }
  }

  /** Status of every job of `pluginId`. */
  status(pluginId: string): CronJobStatus[] {
    return [...this.#jobs.values()].filter((j) => j.pluginId === pluginId).map((j) => ({
      ...j.status,
      next_run_at: j.cron.nextRun()?.toISOString() ?? null,
    }));
  }

  /** Stops every job. */
  stop(): void {
    for (const job of this.#jobs.values()) job.cron.stop();
    this.#jobs.clear();
  }

  #add(key: string, pluginId: string, name: string, schedule: string): void {
    const status: CronJobStatus = {
      name,
      schedule,
      next_run_at: null,
      running: false,
      last_run_at: null,
      last_status: null,
      last_duration_ms: null,
      last_error: null,
      runs: 0,
      skipped_overlaps: 0,
    };
    try {
      const cron = new Cron(schedule, {
        name: undefined,
        protect: () => status.skipped_overlaps++,
        catch: true,
      }, () => this.#run(pluginId, name, status));
      this.#jobs.set(key, { key, pluginId, cron, status });
    } catch (error) {
      this.#log(`cron job ${pluginId}/${name} not scheduled: ${(error as Error).message}`);
    }
  }

  async #run(pluginId: string, name: string, status: CronJobStatus): Promise<void> {
    status.running = true;
    status.last_run_at = new Date().toISOString();
    const started = performance.now();
    try {
      await this.#host.invoke(pluginId, "cron", name, undefined);
      status.last_status = "ok";
      status.last_error = null;
    } catch (error) {
      const reason = reasonOf(error);
      status.last_status = reason.startsWith("timeout")
        ? "timeout"
        : reason.startsWith("unavailable")
        ? "unavailable"
        : "error";
      status.last_error = reason;
    } finally {
      status.runs++;
      status.running = false;
      status.last_duration_ms = Math.round((performance.now() - started) * 1000) / 1000;
    }
  }
}
