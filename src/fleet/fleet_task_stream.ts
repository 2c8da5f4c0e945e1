/**
 * The JetStream side of fleet tasks: the one work-queue stream every host publishes tasks to,
 * and per task type the durable pull consumer its hosts share. Both are created by whichever
 * host gets there first; a host that loses that race uses the other's.
 */
import {
  AckPolicy,
  type Consumer,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { FLEET_TASK_TTL_MS } from "./fleet_task_views.ts";
import type { FleetNames } from "./names.ts";

const NS_PER_MS = 1_000_000;
const DUPLICATE_WINDOW_MS = 10 * 60_000;

/** Creates the fleet's task stream unless it exists. */
export async function ensureTaskStream(
  nc: NatsConnection,
  names: FleetNames,
  replicas: number,
): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const name = names.taskStream;
  if (await jsm.streams.info(name).then(() => true, () => false)) return;
  await jsm.streams.add({
    name,
    subjects: [names.taskSubject(">")],
    retention: RetentionPolicy.Workqueue,
    max_age: FLEET_TASK_TTL_MS * NS_PER_MS,
    duplicate_window: DUPLICATE_WINDOW_MS * NS_PER_MS,
    num_replicas: replicas,
  }).catch(async (error) => {
    if (!(await jsm.streams.info(name).then(() => true, () => false))) throw error;
  });
}

/**
 * The durable consumer of `type`'s tasks, created unless it exists: explicit acks, redelivered
 * after `ackWaitMs` of silence, never given up on (retries are counted in the task itself).
 */
export async function taskConsumer(
  nc: NatsConnection,
  names: FleetNames,
  type: string,
  ackWaitMs: number,
): Promise<Consumer> {
  const { taskStream: stream, taskConsumer, taskSubject } = names;
  const durable = taskConsumer(type);
  const jsm = await jetstreamManager(nc);
  if (!(await jsm.consumers.info(stream, durable).then(() => true, () => false))) {
    await jsm.consumers.add(stream, {
      durable_name: durable,
      filter_subject: taskSubject(type),
      ack_policy: AckPolicy.Explicit,
      ack_wait: ackWaitMs * NS_PER_MS,
      max_deliver: -1, // retries are counted in the task itself
      max_ack_pending: 10_000,
    }).catch(async (error) => {
      if (!(await jsm.consumers.info(stream, durable).then(() => true, () => false))) throw error;
    });
  }
  return await jetstream(nc).consumers.get(stream, durable);
}
