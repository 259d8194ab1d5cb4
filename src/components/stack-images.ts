/**
 * Where a stack pulls its images from: the pinned images of the version table by default, or
 * the same images through a registry that mirrors Docker Hub (an ECR pull-through cache, a
 * Harbor proxy project), or, per component, an image of the platform team's own.
 */
import { issue, Issue } from '../spec/issues';
import type { Component, ComponentName } from './component';
import { DOCKER_HUB, ImageReference, imageReferenceProblems, registryAndPath, registryProblems, splitImageReference } from './image-reference';

export interface StackImagesProps {
  /**
   * A registry that mirrors Docker Hub, as a host with an optional path prefix
   * (`123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub` for an ECR pull-through cache).
   * Every pinned image is pulled from it under its Docker Hub name
   * (`prom/prometheus:v3.16.0` → `<registry>/prom/prometheus:v3.16.0`, an official image as
   * `<registry>/library/<name>`), and so are the helper containers a target adds (on ECS the
   * config init container, `amazon/aws-cli`, and the health probe, `library/busybox`).
   * @default - each image from its own registry: Docker Hub, and ECR Public for the ECS helpers
   */
  readonly registry?: string;
  /**
   * Per component, the whole image it runs instead of the pinned one:
   * `repo/name:tag`, `repo/name@sha256:<64 hex>` or `repo/name:tag@sha256:<64 hex>`, with a
   * registry host or not (then Docker Hub). Taken as given: `registry` does not rewrite it.
   * The image must be the pinned release's build (the configs are rendered for that version).
   * @default {} (the pinned images)
   */
  readonly components?: Readonly<Partial<Record<ComponentName, string>>>;
}

/** A pinned image pulled through the mirror `registry` (its Docker Hub name under the registry's path). */
export function throughRegistry(image: ImageReference, registry: string): ImageReference {
  const { registry: from, path } = registryAndPath(image.repository);
  // only Docker Hub is mirrored; a pinned image elsewhere keeps its registry
  if (from !== DOCKER_HUB) return image;
  return { ...image, repository: `${registry}/${path}` };
}

/** The image a component runs: its override, else the pinned image (through the registry, if one is set). */
export function componentImage(name: ComponentName, pinned: ImageReference, images: StackImagesProps | undefined): ImageReference {
  const override = images?.components?.[name];
  if (override !== undefined) return splitImageReference(override) ?? pinned;
  return images?.registry !== undefined ? throughRegistry(pinned, images.registry) : pinned;
}

/** The components with the images the stack's props choose (the same objects when they choose none). */
export function withStackImages(components: readonly Component[], images: StackImagesProps | undefined): Component[] {
  if (images?.registry === undefined && Object.keys(images?.components ?? {}).length === 0) return [...components];
  return components.map((c) => ({ ...c, image: componentImage(c.name, c.image, images) }));
}

/**
 * An image a target adds beside the components (ECS's config init container and health probe):
 * where it is pulled from by default, and its name on Docker Hub, which a mirror serves.
 */
export interface HelperImage {
  readonly image: string;
  readonly dockerHub: string;
}

export function helperImage(h: HelperImage, images: StackImagesProps | undefined): string {
  return images?.registry !== undefined ? `${images.registry}/${registryAndPath(h.dockerHub).path}` : h.image;
}

/**
 * Every problem of the `images` prop: a registry or reference outside Docker's grammar, a digest
 * other than sha256, no tag and no digest, `latest`, and a component this stack does not run.
 * `components` is the stack's components (unknown when its spec did not resolve: then that rule
 * is skipped).
 */
export function stackImagesIssues(images: StackImagesProps | undefined, components?: readonly ComponentName[]): Issue[] {
  if (!images) return [];
  const issues: Issue[] = [];
  if (images.registry !== undefined) for (const p of registryProblems(images.registry)) issues.push(issue('images.registry', p, images.registry));
  for (const [name, ref] of Object.entries(images.components ?? {}) as [ComponentName, string | undefined][]) {
    if (ref === undefined) continue;
    if (components && !components.includes(name)) {
      issues.push(issue(`images.components.${name}`, `is not a component of this stack (${components.join(', ')})`, ref));
      continue;
    }
    for (const p of imageReferenceProblems(ref)) issues.push(issue(`images.components.${name}`, p, ref));
  }
  return issues;
}
