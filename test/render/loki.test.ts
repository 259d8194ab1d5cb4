/**
 * loki.yaml as every example stack deploys it, against Loki 3.7.6's configuration reference
 * (Loki refuses unknown keys at start-up; it is AGPL and not built here), and its retention
 * against the spec.
 */
import { parse } from 'yaml';
import { renderLokiConfig } from '../../src/render/loki';
import { resolveSpec } from '../../src/spec/resolve';
import { EXAMPLE_STACKS, examplePlan, exampleSpec, renderedFile } from '../support/plans';
import { unknownLokiKeys } from '../support/loki-reference';

type Json = Record<string, any>;
const lokiOf = (stack: (typeof EXAMPLE_STACKS)[number]): Json => parse(renderedFile(examplePlan(stack), 'loki.yaml')) as Json;

describe('the rendered loki.yaml', () => {
  it.each(EXAMPLE_STACKS)('of %s has only keys Loki 3.7.6 knows', (stack) => {
    expect(unknownLokiKeys(lokiOf(stack))).toEqual([]);
  });

  it('would be caught with a misspelt key (negative control)', () => {
    const cfg = lokiOf('prod');
    cfg.compactor.retention_enabeld = true;
    expect(unknownLokiKeys(cfg)).toEqual(['compactor.retention_enabeld']);
  });

  it.each([
    ['local', '48h'],
    ['local-jaeger', '168h'],
    ['staging', '168h'],
    ['prod', '720h'],
  ] as const)("of %s keeps logs the spec's retention (%s), applied by the compactor", (stack, period) => {
    const cfg = lokiOf(stack);
    expect(cfg.limits_config).toEqual({ retention_period: period, allow_structured_metadata: true });
    expect(cfg.compactor).toMatchObject({ retention_enabled: true, delete_request_store: stack.startsWith('local') ? 'filesystem' : 's3' });
  });

  it('stores on the filesystem locally and in S3 on AWS, with one tsdb v13 schema period from a fixed date', () => {
    expect(lokiOf('local').common.storage).toEqual({ filesystem: { chunks_directory: '/loki/chunks', rules_directory: '/loki/rules' } });
    expect(lokiOf('staging').schema_config.configs).toEqual([{ from: '2026-01-01', store: 'tsdb', object_store: 's3', schema: 'v13', index: { prefix: 'index_', period: '24h' } }]);
  });

  it('writes a retention in whole hours for any spelling of the spec (Loki durations)', () => {
    for (const [retention, want] of [['1d', '24h'], ['36h', '36h'], ['2w', '336h']] as const) {
      const spec = resolveSpec({ ...exampleSpec(), logs: { retention } }, 'staging');
      expect(renderLokiConfig(spec, { storage: { kind: 'filesystem' }, dataDir: '/loki' }).limits_config).toMatchObject({ retention_period: want });
    }
  });

  it('refuses a logs retention under 24h in the spec, naming the field', () => {
    expect(() => resolveSpec({ ...exampleSpec(), logs: { retention: '12h' } }, 'staging')).toThrow(
      "logs.retention: must be at least 24h: Loki keeps its index in daily tables and refuses a shorter retention_period (got \"12h\")",
    );
  });
});
