/**
 * The Terraform providers the synthesized stacks pin, built from the Go module proxy (the
 * registry is unreachable here) into the version-keyed cache and installed for Terraform through
 * a `filesystem_mirror` named by a CLI config file (`TF_CLI_CONFIG_FILE`). `dev_overrides` would
 * not do: `terraform init` still asks the registry for every overridden provider.
 *
 * Each provider is installed under the version the stacks pin, whatever version of its source
 * the proxy could serve: `PROVIDERS` says which source that is and how far it is from the pin.
 */
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachePath, run } from '../../live/support/cache';

export interface ProviderBuild {
  /** `namespace/type` as the stacks' `required_providers` name it (registry.terraform.io). */
  readonly source: string;
  /** The version the synthesized stacks pin (`required_providers.<x>.version`). */
  readonly pinned: string;
  /** The Go module built in its place, and its version on the proxy. */
  readonly module: string;
  readonly version: string;
  /** What that module version is, and how far from the pin (for the docs and the closing note). */
  readonly note: string;
}

/** Every provider the five stacks use. */
export const PROVIDERS = {
  random: {
    source: 'hashicorp/random',
    pinned: '3.7.2',
    module: 'github.com/terraform-providers/terraform-provider-random',
    version: 'v1.3.2-0.20250422105519-bc2ddb552b46',
    note: 'the v3.7.2 release commit (bc2ddb552b46); its go.mod path predates the v3 tags, so the proxy serves it as a pseudo-version',
  },
  docker: {
    source: 'kreuzwerker/docker',
    pinned: '3.6.2',
    module: 'github.com/kreuzwerker/terraform-provider-docker',
    version: 'v0.0.0-20260916201441-96d331c98ff4',
    note: 'master of 2026-09-16 (after v4.6.0), one major past the pin: the proxy serves no release tag (the go.mod path has no major suffix) and only this commit as @latest',
  },
  aws: {
    source: 'hashicorp/aws',
    pinned: '6.25.0',
    module: 'github.com/upbound/terraform-provider-aws',
    version: 'v0.0.0-20260305123303-f7691456b787',
    note: "Upbound's fork of hashicorp/terraform-provider-aws at 6.34.0 (2026-03-05), nine minors past the pin: the proxy refuses every version of the official module (403)",
  },
} as const satisfies Record<string, ProviderBuild>;

export type ProviderName = keyof typeof PROVIDERS;

const BUILD_SCRIPT = join(__dirname, 'build-provider.sh');

function buildDir(p: ProviderBuild): string {
  return cachePath('tf-providers', `${p.source.split('/')[1]}@${p.version}`);
}

export function providerBinary(p: ProviderBuild): string {
  return join(buildDir(p), `terraform-provider-${p.source.split('/')[1]}`);
}

export function isProviderBuilt(p: ProviderBuild): boolean {
  return existsSync(join(buildDir(p), 'done'));
}

/** Builds one provider (or reuses the cached build); the log is beside the build. */
export async function buildProvider(p: ProviderBuild): Promise<string> {
  if (!isProviderBuilt(p)) {
    const type = p.source.split('/')[1];
    await run('bash', [BUILD_SCRIPT, p.module, p.version, type, buildDir(p)], {
      env: { ...process.env, GOFLAGS: '-mod=mod' },
      logFile: `${buildDir(p)}.log`,
    });
  }
  return providerBinary(p);
}

/** The mirror and the CLI config that points `terraform init` at it, and nowhere else. */
export const MIRROR_DIR = cachePath('tf-mirror');
export const TERRAFORM_RC = cachePath('terraformrc');
/** Terraform's own plugin cache would copy an 870 MB binary per stack: keep one. */
const PLUGIN_CACHE = cachePath('tf-plugin-cache');

/**
 * Installs every built provider into the mirror under its pinned version and writes the CLI
 * config; throws naming the providers that are not built yet (never skips).
 */
export function installMirror(names: readonly ProviderName[] = Object.keys(PROVIDERS) as ProviderName[]): string {
  const missing = names.filter((n) => !isProviderBuilt(PROVIDERS[n]));
  if (missing.length > 0) throw new Error(`providers not built: ${missing.map((n) => `${PROVIDERS[n].module}@${PROVIDERS[n].version}`).join(', ')}: run \`npm run build:deploy\` first`);
  for (const n of names) {
    const p = PROVIDERS[n];
    const type = p.source.split('/')[1];
    const dir = join(MIRROR_DIR, 'registry.terraform.io', p.source, p.pinned, 'linux_amd64');
    const target = join(dir, `terraform-provider-${type}_v${p.pinned}`);
    if (!existsSync(target)) {
      mkdirSync(dir, { recursive: true });
      rmSync(`${target}.partial`, { force: true });
      // a hard link: the AWS provider is 870 MB
      try { linkSync(providerBinary(p), `${target}.partial`); } catch { copyFileSync(providerBinary(p), `${target}.partial`); }
      chmodSync(`${target}.partial`, 0o755);
      renameSync(`${target}.partial`, target);
    }
  }
  mkdirSync(PLUGIN_CACHE, { recursive: true });
  writeFileSync(
    TERRAFORM_RC,
    [
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(MIRROR_DIR)}`,
      '    include = ["registry.terraform.io/*/*"]',
      '  }',
      '}',
      `plugin_cache_dir = ${JSON.stringify(PLUGIN_CACHE)}`,
      '',
    ].join('\n'),
  );
  return TERRAFORM_RC;
}
