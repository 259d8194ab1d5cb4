import type { Component } from '../../components/component';

/**
 * Every container of an AWS task runs with a read-only root filesystem (`readonlyRootFilesystem`):
 * a compromised process cannot drop a binary or change the image's files. What a container still
 * writes goes to a task volume (Fargate task storage, ephemeral, lost with the task): the
 * component's own data volumes (`Component.volumes`), the config volumes its init container
 * fills, and the scratch directories below. No container of the stack needs a writable root.
 */
export interface ScratchDir {
  /** The task volume's name (prefixed `scratch-`, never a component volume's). */
  readonly volume: string;
  readonly containerPath: string;
  /** Who owns it (the init container hands it over): the container's user, or root with mode 1777. */
  readonly owner: 'user' | 'everyone';
  readonly why: string;
}

const TMP: Omit<ScratchDir, 'volume'> = {
  containerPath: '/tmp',
  owner: 'everyone',
  why: "the temp directory programs expect (Go's os.TempDir, the AWS CLI, Alertmanager's secret files)",
};

/** The scratch directories of a component's main container. */
export function scratchDirs(c: Component): ScratchDir[] {
  return [
    { volume: 'scratch-tmp', ...TMP },
    // Grafana's default log mode is `console file`: it also writes /var/log/grafana/grafana.log
    ...(c.name === 'grafana' ? [{ volume: 'scratch-grafana-logs', containerPath: '/var/log/grafana', owner: 'user' as const, why: "Grafana's file log (its default `console file` log mode); the console copy is what CloudWatch keeps" }] : []),
  ];
}

/** The config init container's scratch directory (the AWS CLI's /tmp). */
export const INIT_SCRATCH: ScratchDir = { volume: 'scratch-init-tmp', ...TMP };

/** Mode of a scratch directory every user may write (sticky, like /tmp). */
export const SCRATCH_MODE = '1777';
