/**
 * Image references as Docker reads them (the grammar of github.com/distribution/reference,
 * `reference.go`): `[host[:port]/]path[:tag][@digest]`. A name without a host is Docker Hub's
 * (`docker.io`), and a one-component path there is an official image (`library/<name>`).
 */

/** The image a container runs. */
export interface ImageReference {
  /** `[host[:port]/]path`: `prom/prometheus`, `123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/prom/prometheus`. */
  readonly repository: string;
  /**
   * The tag.
   * @default - none: the digest names the image
   */
  readonly tag?: string;
  /**
   * `sha256:<64 hex>`: the image's content, whatever the tag points at later.
   * @default - none: the tag names the image
   */
  readonly digest?: string;
}

export const DOCKER_HUB = 'docker.io';

// distribution/reference's regexp.go, piece by piece
const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const PATH = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const NAME = new RegExp(`^(?:${DOMAIN}/)?${PATH}$`);
/** A registry to pull from: a host, optionally with a port and a path prefix (an ECR pull-through cache's namespace). */
const REGISTRY = new RegExp(`^${DOMAIN}(?:/${PATH})?$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;
/** distribution/reference's NameTotalLengthMax. */
const NAME_MAX = 255;

/** `repository[:tag][@digest]`. */
export function formatImageReference(r: ImageReference): string {
  return `${r.repository}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
}

/**
 * Docker's reading of a name's first component: a host when it has a dot or a port or is
 * `localhost` (or has an upper-case letter, which a path may not); else the name is Docker Hub's.
 */
function looksLikeHost(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase();
}

/** The registry and the path in it, normalized as Docker does (`prom/prometheus` → docker.io, `busybox` → `library/busybox`). */
export function registryAndPath(repository: string): { readonly registry: string; readonly path: string } {
  const slash = repository.indexOf('/');
  if (slash === -1 || !looksLikeHost(repository.slice(0, slash))) {
    return { registry: DOCKER_HUB, path: slash === -1 ? `library/${repository}` : repository };
  }
  const host = repository.slice(0, slash);
  return { registry: host === 'index.docker.io' || host === 'registry-1.docker.io' ? DOCKER_HUB : host, path: repository.slice(slash + 1) };
}

/** Splits `name[:tag][@digest]` without judging it; undefined when it is not even that shape. */
export function splitImageReference(text: string): ImageReference | undefined {
  const at = text.indexOf('@');
  if (at !== text.lastIndexOf('@')) return undefined;
  const name = at === -1 ? text : text.slice(0, at);
  const digest = at === -1 ? undefined : text.slice(at + 1);
  const colon = name.lastIndexOf(':');
  const tagged = colon > name.lastIndexOf('/');
  return {
    repository: tagged ? name.slice(0, colon) : name,
    ...(tagged ? { tag: name.slice(colon + 1) } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/**
 * What is wrong with an image reference a stack would run: the grammar, a digest other than
 * sha256 with 64 hex digits, no tag and no digest (Docker would pull `latest`), or `latest`
 * itself (what runs must change only in a reviewed change).
 */
export function imageReferenceProblems(text: string): string[] {
  const example = 'registry.example.com/team/tempo:3.0.3 or …/tempo@sha256:<64 hex>';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return [`must be an image reference without a scheme, such as ${example}`];
  const ref = splitImageReference(text);
  if (!ref || ref.repository === '') return [`must be an image reference [registry/]repository[:tag][@sha256:<64 hex>], such as ${example}`];
  const problems: string[] = [];
  if (!NAME.test(ref.repository)) {
    const { path } = registryAndPath(ref.repository);
    problems.push(
      path !== path.toLowerCase()
        ? 'must have a lower-case repository path (Docker reference grammar)'
        : `must be an image reference [registry/]repository[:tag][@sha256:<64 hex>] (Docker reference grammar), such as ${example}`,
    );
  } else if (ref.repository.length > NAME_MAX) {
    problems.push(`must have a name of at most ${NAME_MAX} characters (Docker reference grammar)`);
  }
  if (ref.tag !== undefined && !TAG.test(ref.tag)) problems.push('must have a tag of 1 to 128 letters, digits, _ . or -, not starting with . or -');
  if (ref.digest !== undefined && !SHA256_DIGEST.test(ref.digest)) problems.push(`must have a digest sha256:<64 lower-case hex digits> (${digestFault(ref.digest)})`);
  if (ref.tag === undefined && ref.digest === undefined) problems.push("must name a tag or a digest: without one Docker pulls 'latest'");
  if (ref.tag === 'latest') problems.push("must not use the tag 'latest': pin a version or a digest, so what runs changes only in a reviewed change");
  return problems;
}

/** Why a digest is not `sha256:<64 lower-case hex>`, in a few words (the value itself is cut short in messages). */
function digestFault(digest: string): string {
  const [algorithm, hex = ''] = digest.split(/:(.*)/s);
  if (algorithm !== 'sha256') return `this one is ${algorithm === '' ? 'empty' : algorithm}`;
  if (!/^[0-9a-fA-F]*$/.test(hex)) return 'this one has characters that are not hex digits';
  if (hex.length !== 64) return `this one has ${hex.length} digits`;
  return 'this one has upper-case digits';
}

/** What is wrong with a registry to pull every image from (`host[:port][/path]`). */
export function registryProblems(text: string): string[] {
  const example = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return [`must be a registry host with an optional path, without a scheme, such as ${example}`];
  if (!REGISTRY.test(text)) return [`must be a registry host with an optional lower-case path (host[:port][/path], Docker reference grammar), such as ${example}`];
  const first = text.split('/')[0];
  if (!looksLikeHost(first)) return [`must start with a registry host (a name with a dot or a port, or localhost): Docker reads '${first}/…' as a Docker Hub namespace`];
  return [];
}
