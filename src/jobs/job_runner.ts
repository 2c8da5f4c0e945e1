/** A long operation run in the background (install, update), reported through `/v1/jobs/{id}`. */
export interface Job {
  id: string;
  kind: string;
  target: string | null;
  state: "running" | "succeeded" | "failed";
  progress: { ts: string; msg: string }[];
  result?: unknown;
  error?: { status: number; detail: string };
  created_at: string;
  finished_at: string | null;
}

/** Keeps the last jobs in memory; a job's own promise is never awaited by the HTTP request. */
export class JobRunner {
  #jobs = new Map<string, Job>();
  #limit: number;

  constructor(limit = 500) {
    this.#limit = limit;
  }

  /**
   * Starts `work` and returns its job at once. `work` gets `progress(msg)`; its result or error
   * (mapped by `toError`) is recorded when it settles.
   */
  start(
    kind: string,
    target: string | null,
    work: (progress: (msg: string) => void) => Promise<unknown>,
    toError: (error: unknown) => Promise<{ status: number; detail: string }>,
  ): Job {
    const job: Job = {
      id: crypto.randomUUID(),
      kind,
      target,
      state: "running",
      progress: [],
      created_at: new Date().toISOString(),
      finished_at: null,
    };
    this.#jobs.set(job.id, job);
    this.#trim();
    const progress = (msg: string) => job.progress.push({ ts: new Date().toISOString(), msg });
    work(progress).then(
      (result) => Object.assign(job, { state: "succeeded", result }),
      async (error) => Object.assign(job, { state: "failed", error: await toError(error) }),
    ).finally(() => job.finished_at = new Date().toISOString());
    return job;
  }

  get(id: string): Job | undefined {
    return this.#jobs.get(id);
  }

  list(): Job[] {
    return [...this.#jobs.values()].reverse();
  }

  #trim(): void {
    for (const [id, job] of this.#jobs) {
      if (this.#jobs.size <= this.#limit) break;
      if (job.state !== "running") this.#jobs.delete(id);
    }
  }
}
