import type { Component, HealthCheck } from './component';
import { helperImage, HelperImage, StackImagesProps } from './stack-images';

/**
 * The collector's image (contrib, `FROM scratch`) has no shell and no HTTP client to run a
 * health check with. On Docker a one-shot container copies a static busybox into a volume the
 * component mounts read-only, and the component's own health check runs that binary's `wget`
 * against its health endpoint: `docker compose up --wait`, `depends_on: service_healthy` and
 * the Docker provider's `wait` then mean the entry point answers. The upstream image is used as
 * published; nothing is added to it. (ECS probes from a sidecar instead: component-service.ts.)
 */

/**
 * busybox's musl variant: one statically linked binary, so it runs in an image without a libc
 * (the default, glibc variant is linked dynamically and would not start there).
 */
export const PROBE_IMAGE: HelperImage = { image: 'busybox:1.37.0-musl', dockerHub: 'library/busybox:1.37.0-musl' };
/** The named volume holding the probe binary (one per stack). */
export const PROBE_VOLUME = 'health-probe';
/** Where the probed component mounts it. */
export const PROBE_MOUNT = '/o11y-probe';
/** The one-shot container's name, in Terraform and in the compose file. */
export const PROBE_INSTALLER = 'health-probe-install';
/**
 * Copied under a temporary name and renamed: a re-run while the component runs the old copy
 * would otherwise fail with "text file busy".
 */
export const PROBE_INSTALL_COMMAND = ['sh', '-c', `cp /bin/busybox ${PROBE_MOUNT}/.busybox.new && mv -f ${PROBE_MOUNT}/.busybox.new ${PROBE_MOUNT}/busybox`];

/** The health check a probed component runs with the installed binary; undefined when it needs none. */
export function probeHealthcheck(c: Component): HealthCheck | undefined {
  if (c.healthcheck || !c.healthProbe) return undefined;
  const { port, httpPath } = c.healthProbe;
  return {
    test: ['CMD', `${PROBE_MOUNT}/busybox`, 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${port}${httpPath}`],
    intervalSeconds: 10,
    timeoutSeconds: 5,
    retries: 5,
    startPeriodSeconds: 10,
    httpPath,
    port,
  };
}

/** The probe's image for a stack: the pinned one, or through the stack's mirror registry. */
export function probeImage(images: StackImagesProps | undefined): string {
  return helperImage(PROBE_IMAGE, images);
}
