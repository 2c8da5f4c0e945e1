/** Background jobs for long operations (`Prefer: respond-async`, `GET /v1/jobs/{id}`). */
export { type Job, JobRunner } from "./job_runner.ts";
