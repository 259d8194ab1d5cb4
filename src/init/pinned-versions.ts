import { ownPackageJson, OwnPackageJson } from '../cli/version';

/** The packages a scaffold depends on beside o11y-stack: its peers, which the app and o11y-stack share. */
export const SCAFFOLD_DEPENDENCIES = ['cdktf', 'constructs', '@cdktf/provider-aws', '@cdktf/provider-docker', '@cdktf/provider-random'] as const;
/** What a scaffold needs only to develop: the swc hook for its TypeScript stacks, and the type check. */
export const SCAFFOLD_DEV_DEPENDENCIES = ['@swc/core', 'typescript', '@types/node'] as const;
/** `cdktf deploy` and `cdktf diff`, run with npx at this package's version. */
export const CDKTF_CLI = 'cdktf-cli';

export interface PinnedVersions {
  /** o11y-stack's own version. */
  readonly o11yStack: string;
  /** The Node.js versions o11y-stack supports (its `engines.node`), which a scaffold asks for too. */
  readonly node: string;
  /** The exact version o11y-stack is built and tested with. */
  pin(name: string): string;
}

/**
 * The versions a new repository pins: exactly those o11y-stack's package.json pins for its own
 * build and tests (its devDependencies, which npm installs with the package's package.json), so
 * a scaffold starts from the combination this release was tested with; a peer without a pin
 * gets the peer range.
 */
export function pinnedVersions(pkg: OwnPackageJson = ownPackageJson()): PinnedVersions {
  return {
    o11yStack: pkg.version,
    node: pkg.engines?.node ?? missing(`o11y-stack ${pkg.version}'s package.json names no engines.node`),
    pin(name) {
      const v = pkg.devDependencies?.[name] ?? pkg.peerDependencies?.[name];
      if (v === undefined) throw new Error(`o11y-stack ${pkg.version}'s package.json pins no version of ${name}`);
      return v;
    },
  };
}

function missing(what: string): never {
  throw new Error(what);
}
