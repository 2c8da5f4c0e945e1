/** Shared types of the registry server. */
import type { Store } from "../store/mod.ts";

/** Who may call a route: admins, publishers (own plugins), installations (reviews, flags). */
export type PrincipalKind = "admin" | "publisher" | "installation";

/** An authenticated caller. */
export interface Principal {
  kind: PrincipalKind;
  /** The publisher's name, the installation's id, or the admin token's name. */
  subject: string;
  /** The token id (recorded in the audit log as `token:<id>`). */
  tokenId: string;
}

/** Hono environment of the registry server's routes. */
export interface RegistryEnv {
  Variables: {
    /** The caller, or undefined on public routes without a token. */
    principal: Principal | undefined;
  };
}

/** What every route group needs. */
export interface RegistryDeps {
  store: Store;
  /** Where package archives are kept: `<state>/packages`. */
  packagesDir: string;
  /** Work folder for uploads: `<state>/incoming`. */
  incomingDir: string;
  /** Server settings. */
  settings: RegistrySettings;
  /** Signs advisory feeds. */
  advisoryKey: import("../signing/mod.ts").PrivateKeyFile;
}

/** Behaviour an operator chooses (`plugd registry serve` flags or registry.yaml). */
export interface RegistrySettings {
  /** Anyone may sign up as a publisher (pending until an admin approves). @default false */
  openSignup: boolean;
  /**
   * Versions of unverified publishers that request critical permissions wait in the review
   * queue. @default true
   */
  reviewCritical: boolean;
  /** Base URL used in download links (behind a proxy); else taken from each request. */
  publicUrl: string | null;
  /** Largest package upload, in bytes. @default 64 MiB */
  maxPackageBytes: number;
}
