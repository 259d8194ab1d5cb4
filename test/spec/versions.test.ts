import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGES, TEST_TOOLS, VERSIONS } from '../../src/spec/defaults';

const pkg = (name: string) => JSON.parse(readFileSync(join(__dirname, '..', '..', 'node_modules', name, 'package.json'), 'utf8')) as { version: string };

describe('the version table', () => {
  it('pins every image to an exact release, never latest', () => {
    for (const [name, v] of Object.entries(VERSIONS)) expect(`${name} ${v.tag}`).toMatch(new RegExp(`^${name} v?\\d+\\.\\d+\\.\\d+$`));
  });

  it('gives the images the stacks deploy from the same table', () => {
    for (const [name, v] of Object.entries(VERSIONS)) expect(IMAGES[name as keyof typeof IMAGES]).toEqual({ repository: v.repository, tag: v.tag });
  });

  it('builds Prometheus v3.X.Y from module v0.3XX.Y and stamps that version', () => {
    const [major, minor, patch] = VERSIONS.prometheus.tag.replace(/^v/, '').split('.').map(Number);
    expect(VERSIONS.prometheus.build.version).toBe(`v0.${major * 100 + minor}.${patch}`);
    expect(VERSIONS.prometheus.build.ldflags).toContain(`version.Version=${VERSIONS.prometheus.tag.replace(/^v/, '')}`);
  });

  it('builds Jaeger from the v1 module tag of the v2 image (v1.(63+N) is v2.N)', () => {
    // Jaeger released v2.0.0 together with v1.63.0 and has tagged each release twice since
    const [, minor] = VERSIONS.jaeger.tag.split('.').map(Number);
    expect(VERSIONS.jaeger.build.version).toBe(`v1.${63 + minor}.0`);
  });

  it('builds telemetrygen at a contrib release no older than the collector (it only speaks OTLP to it)', () => {
    const minor = (v: string) => Number(v.replace(/^v/, '').split('.')[1]);
    expect(minor(TEST_TOOLS.telemetrygen.version)).toBeGreaterThanOrEqual(minor(VERSIONS['otel-collector'].tag));
  });

  it('keeps Grafana on the minor version of @grafana/schema, which types the dashboards', () => {
    const minor = (v: string) => v.split('.').slice(0, 2).join('.');
    expect(minor(VERSIONS.grafana.tag)).toBe(minor(pkg('@grafana/schema').version));
  });
});
