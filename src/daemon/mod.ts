/** The daemon: state dir, store, API listeners, services, graceful stop. */
export { Daemon, type DaemonLog, type DaemonService, type ServiceFactory } from "./daemon.ts";
export { ensureStateDir, type StateLayout, stateLayout } from "./state_dir.ts";
export { daemonServices } from "./services.ts";
export { claimSocketPath, serveUnixSocket, SocketInUseError } from "./unix_socket.ts";
