/** Every migration, in order. Append new ones; never edit or reorder a released one. */
import type { Migration } from "../types.ts";
import { migration001 } from "./001_core.ts";
import { migration002 } from "./002_plugin_data.ts";
import { migration003 } from "./003_webhooks.ts";
import { migration004 } from "./004_keys.ts";
import { migration005 } from "./005_audit_head.ts";
import { migration006 } from "./006_events.ts";
import { migration007 } from "./007_install_hook.ts";
import { migration008 } from "./008_master_key_check.ts";
import { migration009 } from "./009_console_sessions.ts";
import { migration010 } from "./010_audit_export.ts";
import { migration011 } from "./011_audit_filter_indexes.ts";
import { migration012 } from "./012_marketplace.ts";
import { migration013 } from "./013_plugin_uids.ts";
import { migration014 } from "./014_delivery_lanes.ts";
import { migration015 } from "./015_store_probe.ts";
import { migration016 } from "./016_fleet.ts";
import { migration017 } from "./017_addons.ts";
import { migration018 } from "./018_plugin_transitions.ts";
import { migration019 } from "./019_executions.ts";
import { migration020 } from "./020_tasks.ts";
import { migration021 } from "./021_fleet_tasks.ts";
import { migration022 } from "./022_tenants.ts";
import { migration023 } from "./023_delivery_pending_index.ts";
import { migration024 } from "./024_tasks_queued_index.ts";

export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
  migration011,
  migration012,
  migration013,
  migration014,
  migration015,
  migration016,
  migration017,
  migration018,
  migration019,
  migration020,
  migration021,
  migration022,
  migration023,
  migration024,
];
