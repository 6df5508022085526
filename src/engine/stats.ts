/**
 * Parser of the JSON that `podman container checkpoint|restore --print-stats` prints. All
 * durations are microseconds: podman measures the runtime call with Go's `Microseconds()`, and
 * CRIU's stats images count microseconds too.
 */
import { z } from 'zod';

import { PodmanOutputError } from './podmanJson';

export interface CriuStatistics {
  /** Checkpoint: time to freeze the process tree. */
  freezingTimeUs?: number;
  /** Checkpoint: time the processes did not run. */
  frozenTimeUs?: number;
  memdumpTimeUs?: number;
  memwriteTimeUs?: number;
  pagesScanned?: number;
  pagesWritten?: number;
  /** Restore: pages compared with the parent image. */
  pagesCompared?: number;
  pagesSkippedCow?: number;
  forkingTimeUs?: number;
  restoreTimeUs?: number;
  pagesRestored?: number;
}

export interface ContainerStatistics {
  id: string;
  /** Duration of the runtime's checkpoint or restore call; 0 when podman did not measure it. */
  runtimeDurationUs: number;
  /** Undefined when podman was not asked for statistics (`criu_statistics: null`). */
  criu: CriuStatistics | undefined;
}

export interface OperationStatistics {
  /** Whole podman command, only in the command line's output. */
  podmanDurationUs: number | undefined;
  containers: ContainerStatistics[];
}

const criuSchema = z.object({
  freezing_time: z.number().optional(),
  frozen_time: z.number().optional(),
  memdump_time: z.number().optional(),
  memwrite_time: z.number().optional(),
  pages_scanned: z.number().optional(),
  pages_written: z.number().optional(),
  pages_compared: z.number().optional(),
  pages_skipped_cow: z.number().optional(),
  forking_time: z.number().optional(),
  restore_time: z.number().optional(),
  pages_restored: z.number().optional(),
});

const containerSchema = z.object({
  Id: z.string(),
  runtime_checkpoint_duration: z.number().optional(),
  runtime_restore_duration: z.number().optional(),
  criu_statistics: criuSchema.nullish(),
});

/** The command line wraps the per-container reports (podman 4.3 and 5.4 `checkpointStatistics`, `restoreStatistics`). */
const commandLineSchema = z.object({
  podman_checkpoint_duration: z.number().optional(),
  podman_restore_duration: z.number().optional(),
  container_statistics: z.array(containerSchema).nullish(),
});

function toContainer(report: z.infer<typeof containerSchema>): ContainerStatistics {
  const criu = report.criu_statistics;
  return {
    id: report.Id,
    runtimeDurationUs: report.runtime_checkpoint_duration ?? report.runtime_restore_duration ?? 0,
    criu: criu
      ? {
          freezingTimeUs: criu.freezing_time,
          frozenTimeUs: criu.frozen_time,
          memdumpTimeUs: criu.memdump_time,
          memwriteTimeUs: criu.memwrite_time,
          pagesScanned: criu.pages_scanned,
          pagesWritten: criu.pages_written,
          pagesCompared: criu.pages_compared,
          pagesSkippedCow: criu.pages_skipped_cow,
          forkingTimeUs: criu.forking_time,
          restoreTimeUs: criu.restore_time,
          pagesRestored: criu.pages_restored,
        }
      : undefined,
  };
}

/**
 * Parses `--print-stats` output of the command line, or one report object as the libpod REST API
 * returns it. Throws PodmanOutputError for anything else.
 */
export function parseOperationStatistics(text: string): OperationStatistics {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new PodmanOutputError(`--print-stats output is not valid JSON (${(error as Error).message})`);
  }

  const single = containerSchema.safeParse(data);
  if (single.success) return { podmanDurationUs: undefined, containers: [toContainer(single.data)] };

  const wrapped = commandLineSchema.safeParse(data);
  if (!wrapped.success || (wrapped.data.podman_checkpoint_duration === undefined && wrapped.data.podman_restore_duration === undefined)) {
    throw new PodmanOutputError('--print-stats output has neither container_statistics nor a report Id');
  }
  return {
    podmanDurationUs: wrapped.data.podman_checkpoint_duration ?? wrapped.data.podman_restore_duration,
    containers: (wrapped.data.container_statistics ?? []).map(toContainer),
  };
}
