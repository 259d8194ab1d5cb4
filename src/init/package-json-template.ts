import { PinnedVersions, SCAFFOLD_DEPENDENCIES, SCAFFOLD_DEV_DEPENDENCIES } from './pinned-versions';
import type { ScaffoldOptions } from './scaffold-options';

/** Runs the TypeScript app through o11y-stack's swc hook: no build step (`npm run synth`, cdktf.json's `app`). */
export const SYNTH_COMMAND = 'node -r o11y-stack/register stacks/main.ts';

const sorted = (names: readonly string[], versions: PinnedVersions, extra: Record<string, string> = {}): Record<string, string> =>
  Object.fromEntries(
    Object.entries({ ...Object.fromEntries(names.map((n) => [n, versions.pin(n)])), ...extra }).sort(([a], [b]) => (a < b ? -1 : 1)),
  );

/**
 * `package.json` of a new repository: o11y-stack at this version, its peers at the versions it
 * pins, and the scripts the docs and the review workflow call (`synth`, `validate`, and `o11y`,
 * which the workflow's review step runs).
 */
export function packageJsonTemplate(o: ScaffoldOptions, versions: PinnedVersions): string {
  const pkg = {
    name: `${o.name}-o11y`,
    version: '0.0.0',
    private: true,
    description: `The observability stack of ${o.name}: one spec (stacks/o11y.yaml), a local Docker stack and the ${o.environment} AWS environment, synthesized with o11y-stack`,
    engines: { node: versions.node },
    scripts: {
      synth: SYNTH_COMMAND,
      validate: 'o11y validate',
      typecheck: 'tsc --noEmit -p .',
      o11y: 'o11y',
    },
    dependencies: sorted(SCAFFOLD_DEPENDENCIES, versions, { 'o11y-stack': versions.o11yStack }),
    devDependencies: sorted(SCAFFOLD_DEV_DEPENDENCIES, versions),
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}
