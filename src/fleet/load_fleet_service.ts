/**
 * The fleet service's module, loaded only by a daemon that is in a fleet (`nats.url` set): the
 * NATS clients and the fleet's JetStream code (~6 MiB of a daemon's memory) stay out of every other
 * daemon.
 */
export function loadFleetService(): Promise<typeof import("./fleet_service.ts")> {
  return import("./fleet_service.ts");
}
