import type { Migration } from "../types.ts";

/** Whether a plugin's `onInstall` has run (it runs once, at the first successful enable). */
export const migration007: Migration = {
  version: 7,
  name: "install_hook",
  statements: [
    "ALTER TABLE plugins ADD COLUMN install_hook_ran INTEGER NOT NULL DEFAULT 0",
  ],
};
