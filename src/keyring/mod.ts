/**
 * The master key's life: opened at start-up against the database's key check (finishing or
 * undoing an interrupted rotation), and rotated crash-safely while the daemon runs.
 *
 * @module
 */
export {
  type OpenedMasterKey,
  openMasterKey,
  type OpenMasterKeyOptions,
} from "./open_master_key.ts";
export {
  rotateMasterKey,
  type RotateMasterKeyOptions,
  RotationInProgressError,
  type RotationResult,
  type RotationStep,
} from "./rotate_master_key.ts";
export { type KeyCheck, keyOpensCanary, readKeyCheck } from "./key_check.ts";
export { listSealedValues, SEALED_COLUMNS } from "./sealed_values.ts";
