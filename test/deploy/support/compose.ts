/**
 * Docker Compose v2, built from the Go module proxy and installed as the docker CLI's plugin
 * (`$DOCKER_CONFIG/cli-plugins/docker-compose`), because the export needs Compose 2.23 or newer
 * (`configs.content`) and Debian's docker-compose 1.29 refuses it.
 */
import { copyFileSync, chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { GoBuild } from '../../../src/spec/defaults';
import { binariesOf, isBuilt } from '../../live/support/binaries';

export const COMPOSE_BUILD: GoBuild = {
  module: 'github.com/docker/compose/v2',
  version: 'v2.29.7',
  packages: { cmd: 'docker-compose' },
  ldflags: '-X github.com/docker/compose/v2/internal.Version=v2.29.7',
};

/** Installs the built plugin for the docker CLI that reads `dockerConfig`; throws if not built. */
export function installComposePlugin(dockerConfig: string): void {
  if (!isBuilt(COMPOSE_BUILD)) throw new Error(`${COMPOSE_BUILD.module}@${COMPOSE_BUILD.version} is not built: run \`npm run build:deploy\` first`);
  const dir = join(dockerConfig, 'cli-plugins');
  mkdirSync(dir, { recursive: true });
  copyFileSync(binariesOf(COMPOSE_BUILD)['docker-compose'], join(dir, 'docker-compose'));
  chmodSync(join(dir, 'docker-compose'), 0o755);
}
