import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { Construct } from 'constructs';
import type { Component, ComponentName } from '../../components/component';
import type { HelperImage } from '../../components/stack-images';
import type { PolicyStatement } from './task-role';
import { terraformLiteral } from '../terraform-literal';

/**
 * The init container's image: the official AWS CLI v2 image (Amazon Linux 2: `sh`, `sha256sum`,
 * `chown`), pulled from ECR Public, which needs no credentials and has no Docker Hub rate limit.
 * Pinned like every image of the stack.
 */
export const AWS_CLI_IMAGE = 'public.ecr.aws/aws-cli/aws-cli:2.31.39';
/** The sidecar that probes a component's health endpoint when its image has no shell (busybox: wget). */
export const HEALTH_PROBE_IMAGE = 'public.ecr.aws/docker/library/busybox:1.37.0';
/**
 * Both helpers as a Docker Hub mirror serves them: AWS publishes the CLI on Docker Hub as
 * `amazon/aws-cli` with the same tags, and ECR Public's `docker/library/*` are Docker Hub's official images.
 */
export const HELPER_IMAGES = {
  configInit: { image: AWS_CLI_IMAGE, dockerHub: `amazon/aws-cli:${AWS_CLI_IMAGE.split(':').pop()}` },
  healthProbe: { image: HEALTH_PROBE_IMAGE, dockerHub: `library/busybox:${HEALTH_PROBE_IMAGE.split(':').pop()}` },
} as const satisfies Record<string, HelperImage>;
export const CONFIG_CONTAINER = 'config';
/** The env var of the main container that carries the hash of its config files. */
export const CONFIG_HASH_ENV = 'CONFIG_SHA256';
const INIT_CONFIG_ROOT = '/o11y/config';
const INIT_DATA_ROOT = '/o11y/data';

export function sha256(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/** One config file of a component, as it is stored and fetched. */
export interface BundledFile {
  /** Object key in the config bucket: the same path as under `cdktf.out/stacks/<stack>/config/`. */
  readonly key: string;
  readonly content: string;
  readonly sha256: string;
  /** Where the init container writes it. */
  readonly initPath: string;
}

/** A task volume holding one config directory of the main container. */
export interface ConfigMount {
  readonly volume: string;
  /** The directory in the main container (read-only there). */
  readonly containerPath: string;
  /** The same volume in the init container. */
  readonly initPath: string;
}

export interface ConfigBundle {
  readonly component: ComponentName;
  readonly files: readonly BundledFile[];
  readonly mounts: readonly ConfigMount[];
  /** sha256 over every file's path and content: changes exactly when a file changes. */
  readonly sha256: string;
}

/** The hash of a set of files, independent of their order. */
export function configSha256(files: readonly { output: string; content: string }[]): string {
  const lines = [...files].sort((a, b) => (a.output < b.output ? -1 : 1)).map((f) => `${sha256(f.content)}  ${f.output}\n`);
  return sha256(lines.join(''));
}

/**
 * Groups a component's files by directory: ECS mounts volumes on directories, not files, so each
 * config directory (`/etc/tempo`, `/etc/grafana/provisioning/datasources` …) is one task volume.
 */
export function configBundle(c: Component): ConfigBundle {
  const dirs = [...new Set(c.files.map((f) => posix.dirname(f.mountPath)))].sort();
  const mounts = dirs.map((d, i) => ({ volume: `config-${i}`, containerPath: d, initPath: `${INIT_CONFIG_ROOT}/${i}` }));
  const files = [...c.files]
    .sort((a, b) => (a.output < b.output ? -1 : 1))
    .map((f) => {
      const mount = mounts[dirs.indexOf(posix.dirname(f.mountPath))];
      return { key: f.output, content: f.content, sha256: sha256(f.content), initPath: `${mount.initPath}/${posix.basename(f.mountPath)}` };
    });
  return { component: c.name, files, mounts, sha256: configSha256(c.files) };
}

export interface ConfigDeliveryProps {
  readonly component: Component;
  /** The config bucket (never Tempo's). */
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly region: string;
  /**
   * The init container's image.
   * @default AWS_CLI_IMAGE
   */
  readonly image?: string;
}

/** A data volume the init container hands to the component's user before it starts. */
export interface OwnedVolume {
  readonly volume: string;
  readonly user: string;
  /**
   * Its mode (`1777`: a scratch directory every user may write).
   * @default - as created
   */
  readonly mode?: string;
}

/**
 * Delivers a component's rendered configs without hand steps. Each file is an object in the
 * config bucket (content escaped for Terraform's templates only, byte for byte what `config/` shows). An init
 * container fetches each file by its exact object version, checks its sha256 against the hash
 * computed at synth time (a mismatch stops the task), and writes it into a task volume the main
 * container mounts read-only. The main container starts only after the init container succeeded.
 * A changed file changes its version id and `CONFIG_SHA256`, so the task definition changes and
 * ECS rolls the service; a rollback to the previous task definition fetches the previous versions.
 *
 * Why not SSM or an env var: a parameter holds at most 8 KiB and a task definition 64 KiB, and
 * dashboards outgrow both; S3 has no such limit, and Fargate tasks reach it through the same path
 * Tempo already uses.
 */
export class ConfigDelivery extends Construct {
  readonly bundle: ConfigBundle;
  readonly objects: readonly S3Object[];

  constructor(scope: Construct, id: string, private readonly props: ConfigDeliveryProps) {
    super(scope, id);
    this.bundle = configBundle(props.component);
    this.objects = this.bundle.files.map(
      (f) =>
        new S3Object(this, f.key.replace(/[^a-zA-Z0-9-]/g, '-'), {
          bucket: props.bucketName,
          key: f.key,
          content: terraformLiteral(f.content),
          contentType: f.key.endsWith('.json') ? 'application/json' : 'application/yaml',
        }),
    );
  }

  /** Read access to exactly these objects (and their versions), for the task role. */
  get readStatements(): PolicyStatement[] {
    if (this.bundle.files.length === 0) return [];
    return [
      {
        Sid: 'ReadOwnConfig',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: this.bundle.files.map((f) => `${this.props.bucketArn}/${f.key}`),
      },
    ];
  }

  /**
   * The init container's script. No `${`: Terraform would read it as an interpolation; the
   * object version ids are the only interpolations, and they are intended.
   */
  initScript(owned: readonly OwnedVolume[]): string {
    const lines = ['set -eu'];
    this.bundle.files.forEach((f, i) => {
      lines.push(`aws s3api get-object --region '${this.props.region}' --bucket '${this.props.bucketName}' --key '${f.key}' --version-id '${this.objects[i].versionId}' '${f.initPath}' > /dev/null`);
      lines.push(`echo '${f.sha256}  ${f.initPath}' | sha256sum -c -`);
    });
    for (const v of owned) {
      lines.push(`chown ${v.user} '${INIT_DATA_ROOT}/${v.volume}'`);
      if (v.mode) lines.push(`chmod ${v.mode} '${INIT_DATA_ROOT}/${v.volume}'`);
    }
    return lines.join('\n');
  }

  /** The init container definition (part of the task definition's `containerDefinitions`). */
  initContainer(owned: readonly OwnedVolume[], logConfiguration: Record<string, unknown>): Record<string, unknown> {
    return {
      name: CONFIG_CONTAINER,
      image: this.props.image ?? AWS_CLI_IMAGE,
      essential: false,
      // the image's entrypoint is `aws`; the script needs a shell
      entryPoint: ['/bin/sh', '-c'],
      command: [this.initScript(owned)],
      // root, to hand the data volumes to the component's user
      user: '0',
      mountPoints: [
        ...this.bundle.mounts.map((m) => ({ sourceVolume: m.volume, containerPath: m.initPath, readOnly: false })),
        ...owned.map((v) => ({ sourceVolume: v.volume, containerPath: `${INIT_DATA_ROOT}/${v.volume}`, readOnly: false })),
      ],
      logConfiguration,
    };
  }
}
