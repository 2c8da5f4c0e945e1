/** What every page's layout needs to know about the request. */
import type { AssetTable } from "../assets.ts";
import type { ConsoleExtensions } from "../extensions.ts";
import type { Abilities, Session } from "../types.ts";

/** A message shown once at the top of the next page. */
export interface Flash {
  kind: "ok" | "error";
  text: string;
}

/** The request-level facts a page renders with. */
export interface PageContext {
  assets: AssetTable;
  extensions: ConsoleExtensions;
  /** Null on the sign-in page. */
  session: Session | null;
  can: Abilities;
  flash: Flash[];
  /** Dev mode: folder installs are offered. */
  dev: boolean;
}
