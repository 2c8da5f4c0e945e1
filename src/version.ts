/** The daemon's version: plain semver, no prerelease tag (SPEC §8), so `plugd: ">=0.0.0"` matches. */
export const VERSION = "0.1.0";

/** The plugin protocol version spoken between the daemon and the in-sandbox shim. */
export const PROTOCOL_VERSION = 1;
