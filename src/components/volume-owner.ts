import { Component, ComponentName, ComponentVolume } from './component';

/**
 * A one-shot container that hands a component's volumes the image has no directory for
 * (`notInImage`) to the component's user before it starts: Docker creates such a volume
 * root-owned, and the collector (uid 10001, an image built from scratch) could not write its
 * persistent queue there. It runs the stack's Prometheus image, which is busybox-based (it has
 * `chown`), as root, and exits.
 */
export interface VolumeOwnerInit {
  /** `<component>-volume-owner`. */
  readonly name: string;
  /** The component whose image it runs (the stack's Prometheus, whatever registry the stack pulls from). */
  readonly imageOf: ComponentName;
  readonly image: Component['image'];
  readonly entrypoint: readonly string[];
  readonly volumes: readonly ComponentVolume[];
}

export function volumeOwnerInit(c: Component, components: readonly Component[]): VolumeOwnerInit | undefined {
  const volumes = c.volumes.filter((v) => v.notInImage);
  if (!c.user || volumes.length === 0) return undefined;
  const withShell = components.find((x) => x.name === 'prometheus');
  if (!withShell) throw new Error(`${c.name}: its volumes ${volumes.map((v) => v.name).join(', ')} need handing to user ${c.user}, with the stack's Prometheus image, and the stack runs no Prometheus`);
  return { name: `${c.name}-volume-owner`, imageOf: withShell.name, image: withShell.image, entrypoint: ['chown', c.user, ...volumes.map((v) => v.mountPath)], volumes };
}
