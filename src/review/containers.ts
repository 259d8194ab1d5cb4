import type { TerraformEntry } from './terraform-diff';
import { jsonText } from './terraform-diff';
import { isObject, Tree } from './tree-diff';

/**
 * A container as Terraform will run it, from either target: a `docker_container` (its image
 * is a `docker_image` resource) or one entry of an `aws_ecs_task_definition`'s container
 * definitions. The risk rules read images, command-line flags and published ports from here.
 */
export interface RunContainer {
  /** `docker_container.prometheus`, `aws_ecs_task_definition.prometheus_task_A942EAE0 container prometheus`. */
  readonly label: string;
  readonly image: string;
  readonly command: readonly string[];
  /** Ports published on the host (Docker). */
  readonly published: readonly PublishedPort[];
}

export interface PublishedPort {
  readonly ip: string;
  readonly port: number;
  readonly protocol: string;
}

/** Docker publishes on every interface when no address is given. */
const DOCKER_DEFAULT_IP = '0.0.0.0';

export function containersOf(entries: ReadonlyMap<string, TerraformEntry>): RunContainer[] {
  const out: RunContainer[] = [];
  for (const e of entries.values()) {
    if (!isObject(e.value)) continue;
    if (e.type === 'docker_container') out.push(dockerContainer(e, entries));
    else if (e.type === 'aws_ecs_task_definition' && typeof e.value.container_definitions === 'string') {
      const defs = jsonText(e.value.container_definitions);
      for (const d of Array.isArray(defs) ? defs : []) {
        if (!isObject(d)) continue;
        out.push({ label: `${e.address} container ${String(d.name)}`, image: String(d.image ?? ''), command: strings(d.command), published: [] });
      }
    }
  }
  return out.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

function dockerContainer(e: TerraformEntry, entries: ReadonlyMap<string, TerraformEntry>): RunContainer {
  const v = e.value as Record<string, unknown>;
  const published = (Array.isArray(v.ports) ? v.ports : []).filter(isObject).map((p) => ({
    ip: typeof p.ip === 'string' && p.ip !== '' ? p.ip : DOCKER_DEFAULT_IP,
    port: Number(p.external ?? p.internal),
    protocol: typeof p.protocol === 'string' ? p.protocol : 'tcp',
  }));
  return { label: e.address, image: dockerImage(v.image, entries), command: strings(v.command), published };
}

/** `${docker_image.tempo-image.image_id}` → the image resource's `name` (`grafana/tempo:3.0.3`). */
function dockerImage(ref: unknown, entries: ReadonlyMap<string, TerraformEntry>): string {
  const s = String(ref ?? '');
  const m = /^\$\{(docker_image\.[^.}]+)\.[a-z_]+\}$/.exec(s);
  const image = m ? entries.get(m[1])?.value : undefined;
  return isObject(image) && typeof image.name === 'string' ? image.name : s;
}

function strings(v: Tree): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}
