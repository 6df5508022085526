/** Identifiers of the Containers view, its commands and context keys; each is declared in package.json. */
export const CONTAINERS_VIEW = 'checkpointLens.containers';

export const CONTAINER_COMMANDS = {
  refresh: 'checkpointLens.containers.refresh',
  checkBeforeCheckpoint: 'checkpointLens.containers.checkBeforeCheckpoint',
  checkpoint: 'checkpointLens.containers.checkpoint',
  checkpointWithDefaults: 'checkpointLens.containers.checkpointWithDefaults',
  checkpointAndExport: 'checkpointLens.containers.checkpointAndExport',
  restore: 'checkpointLens.containers.restore',
  restoreFromArchive: 'checkpointLens.containers.restoreFromArchive',
  openCheckpointLog: 'checkpointLens.containers.openCheckpointLog',
  openRestoreLog: 'checkpointLens.containers.openRestoreLog',
  showHostCapabilities: 'checkpointLens.containers.showHostCapabilities',
  showMountsAndMappings: 'checkpointLens.containers.showMountsAndMappings',
  cancelOperation: 'checkpointLens.containers.cancelOperation',
  editHosts: 'checkpointLens.containers.editHosts',
  showOutput: 'checkpointLens.containers.showOutput',
  /** Internal: opens a preflight finding's evidence; the report panel and the in-host tests run it. */
  openPreflightEvidence: 'checkpointLens.containers.openPreflightEvidence',
} as const;

/**
 * Context keys for `viewsWelcome`: `checkpointLens.containers.state` is `loading`, `no-hosts`,
 * `podman-missing`, `no-containers` or `ready`.
 */
export const CONTAINERS_STATE_KEY = 'checkpointLens.containers.state';
