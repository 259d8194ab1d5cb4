import { parse as parseYaml } from 'yaml';
import { COMPONENT_NAMES } from '../../src/components/component';
import { imageReferenceProblems, registryAndPath, registryProblems } from '../../src/components/image-reference';
import { renderCompose } from '../../src/render/compose';
import { O11yValidationError } from '../../src/spec/issues';
import { ecrRepositoryArn } from '../../src/targets/aws/ecr-pull';
import { DockerObservabilityStack } from '../../src/targets/docker/docker-stack';
import { AwsObservabilityStack } from '../../src/targets/aws/aws-stack';
import { EXAMPLE_AWS_INPUTS } from '../../stacks/stacks';
import { examplePlan, exampleSpec } from '../support/plans';
import { removeTempDirs, resourcesOf, synthJson, testApp } from '../support/synth';
import { buildAws, containers, rolePolicy } from './aws/helpers';

afterAll(removeTempDirs);

const ECR_CACHE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub';
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

function problems(build: () => unknown): string[] {
  try {
    build();
  } catch (e) {
    if (e instanceof O11yValidationError) return e.lines;
    throw e;
  }
  return [];
}
const dockerProblems = (images: unknown, traceBackend: 'tempo' | 'jaeger' = 'tempo') =>
  problems(() => new DockerObservabilityStack(testApp(), 'local', { spec: exampleSpec(), traceBackend, images } as never));
const awsProblems = (images: unknown) => problems(() => new AwsObservabilityStack(testApp(), 'staging', { spec: exampleSpec(), ...EXAMPLE_AWS_INPUTS.staging, images } as never));

describe('image references (the Docker reference grammar)', () => {
  test('a tag, a sha256 digest, or both, with a registry host and port or without one, are accepted', () => {
    for (const ok of [
      'grafana/tempo:3.0.3',
      `grafana/tempo@${DIGEST}`,
      `grafana/tempo:3.0.3@${DIGEST}`,
      'registry.example.com:5000/team/tempo:3.0.3',
      'localhost/tempo:3.0.3',
      `${ECR_CACHE}/grafana/tempo:3.0.3`,
      'busybox:1.37.0',
    ]) {
      expect([ok, imageReferenceProblems(ok)]).toEqual([ok, []]);
    }
  });

  test('each refused reference says what is wrong with it', () => {
    expect(imageReferenceProblems('grafana/tempo')).toEqual(["must name a tag or a digest: without one Docker pulls 'latest'"]);
    expect(imageReferenceProblems('grafana/tempo:latest')).toEqual(["must not use the tag 'latest': pin a version or a digest, so what runs changes only in a reviewed change"]);
    expect(imageReferenceProblems('grafana/tempo@sha256:abc')).toEqual(['must have a digest sha256:<64 lower-case hex digits> (this one has 3 digits)']);
    expect(imageReferenceProblems(`grafana/tempo@sha512:${'a'.repeat(128)}`)).toEqual(['must have a digest sha256:<64 lower-case hex digits> (this one is sha512)']);
    expect(imageReferenceProblems(`grafana/tempo@${DIGEST.toUpperCase().replace('SHA256', 'sha256')}`)).toEqual(['must have a digest sha256:<64 lower-case hex digits> (this one has upper-case digits)']);
    expect(imageReferenceProblems(`grafana/tempo@sha256:${'g'.repeat(64)}`)).toEqual(['must have a digest sha256:<64 lower-case hex digits> (this one has characters that are not hex digits)']);
    expect(imageReferenceProblems('grafana/Tempo:3.0.3')).toEqual(['must have a lower-case repository path (Docker reference grammar)']);
    expect(imageReferenceProblems(`registry.example.com/${'a'.repeat(240)}:1`)).toEqual(['must have a name of at most 255 characters (Docker reference grammar)']);
    expect(imageReferenceProblems('grafana/tempo:-3')).toEqual(['must have a tag of 1 to 128 letters, digits, _ . or -, not starting with . or -']);
    expect(imageReferenceProblems('grafana//tempo:3.0.3')).toEqual([
      'must be an image reference [registry/]repository[:tag][@sha256:<64 hex>] (Docker reference grammar), such as registry.example.com/team/tempo:3.0.3 or …/tempo@sha256:<64 hex>',
    ]);
    expect(imageReferenceProblems('https://registry.example.com/tempo:3.0.3')).toEqual([
      'must be an image reference without a scheme, such as registry.example.com/team/tempo:3.0.3 or …/tempo@sha256:<64 hex>',
    ]);
  });

  test('a name without a host is Docker Hub’s, and an official image’s path starts with library/', () => {
    expect(registryAndPath('prom/prometheus')).toEqual({ registry: 'docker.io', path: 'prom/prometheus' });
    expect(registryAndPath('busybox')).toEqual({ registry: 'docker.io', path: 'library/busybox' });
    expect(registryAndPath('index.docker.io/prom/prometheus')).toEqual({ registry: 'docker.io', path: 'prom/prometheus' });
    expect(registryAndPath(`${ECR_CACHE}/prom/prometheus`)).toEqual({ registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', path: 'docker-hub/prom/prometheus' });
  });

  test('a registry is a host, with a port or a path prefix or both, and nothing Docker would read as a Docker Hub namespace', () => {
    for (const ok of [ECR_CACHE, 'registry.example.com', 'registry.example.com:5000/mirror/docker-hub', 'localhost:5000']) expect([ok, registryProblems(ok)]).toEqual([ok, []]);
    expect(registryProblems('mirror/docker-hub')).toEqual(["must start with a registry host (a name with a dot or a port, or localhost): Docker reads 'mirror/…' as a Docker Hub namespace"]);
    const grammar = 'must be a registry host with an optional lower-case path (host[:port][/path], Docker reference grammar), such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub';
    for (const bad of ['registry.example.com/', 'registry.example.com/Docker-Hub', 'registry.example.com/hub:3', '-registry.example.com']) expect([bad, registryProblems(bad)]).toEqual([bad, [grammar]]);
    expect(registryProblems('https://registry.example.com')).toEqual(['must be a registry host with an optional path, without a scheme, such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub']);
  });

  test('a private ECR repository’s ARN follows the registry’s partition; other registries have none', () => {
    expect(ecrRepositoryArn(`${ECR_CACHE}/prom/prometheus:v3.16.0`)).toBe('arn:aws:ecr:eu-west-1:123456789012:repository/docker-hub/prom/prometheus');
    expect(ecrRepositoryArn(`123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/prom/prometheus@${DIGEST}`)).toBe('arn:aws-cn:ecr:cn-north-1:123456789012:repository/prom/prometheus');
    expect(ecrRepositoryArn('123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/hub/prom/prometheus:v3.16.0')).toBe('arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/hub/prom/prometheus');
    expect(ecrRepositoryArn('public.ecr.aws/docker/library/busybox:1.37.0')).toBeUndefined();
    expect(ecrRepositoryArn('registry.example.com/prom/prometheus:v3.16.0')).toBeUndefined();
  });
});

describe('the images prop, checked before anything is created', () => {
  test('a wrong shape is named by its prop path, a component name no stack has among them', () => {
    expect(dockerProblems({ registry: 42, component: {} })).toEqual([
      "props.images.component: unknown key, did you mean 'components'? (got {})",
      'props.images.registry: must be a string, not number (got 42)',
    ]);
    expect(awsProblems({ components: { mimir: 'grafana/mimir:2.17.0' } })).toEqual([`props.images.components.mimir: must be one of ${COMPONENT_NAMES.join(', ')} (got "mimir")`]);
  });

  test('every bad registry and reference is reported at once, with the rule it breaks', () => {
    expect(
      dockerProblems({
        registry: 'https://mirror.example.com',
        components: { tempo: 'grafana/tempo', prometheus: 'prom/prometheus:latest', grafana: `grafana/grafana@sha256:${'a'.repeat(63)}` },
      }),
    ).toEqual([
      'images.registry: must be a registry host with an optional path, without a scheme, such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub (got "https://mirror.example.com")',
      `images.components.tempo: must name a tag or a digest: without one Docker pulls 'latest' (got "grafana/tempo")`,
      `images.components.prometheus: must not use the tag 'latest': pin a version or a digest, so what runs changes only in a reviewed change (got "prom/prometheus:latest")`,
      `images.components.grafana: must have a digest sha256:<64 lower-case hex digits> (this one has 63 digits) (got "grafana/grafana@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...)`,
    ]);
  });

  test('an image for a component the stack does not run is refused, naming the ones it runs', () => {
    const runs = (stack: 'local-jaeger' | 'staging') => examplePlan(stack).components.map((c) => c.name).join(', ');
    expect(runs('local-jaeger')).toMatch(/^jaeger, otel-collector, prometheus, loki, alertmanager, grafana/);
    expect(dockerProblems({ components: { tempo: 'grafana/tempo:3.0.3' } }, 'jaeger')).toEqual([
      `images.components.tempo: is not a component of this stack (${runs('local-jaeger')}) (got "grafana/tempo:3.0.3")`,
    ]);
    expect(awsProblems({ registry: 'mirror', components: { jaeger: 'jaegertracing/jaeger:2.13.0' } })).toEqual([
      "images.registry: must start with a registry host (a name with a dot or a port, or localhost): Docker reads 'mirror/…' as a Docker Hub namespace (got \"mirror\")",
      `images.components.jaeger: is not a component of this stack (${runs('staging')}) (got "jaegertracing/jaeger:2.13.0")`,
    ]);
  });
});

describe('images on Docker', () => {
  const stack = new DockerObservabilityStack(testApp(), 'local', {
    spec: exampleSpec(),
    images: { registry: ECR_CACHE, components: { grafana: `registry.example.com/observability/grafana:13.2.3@${DIGEST}` } },
  });
  const json = synthJson(stack);

  test('the registry rewrites every pinned image to its Docker Hub name under the registry; an override is taken as given', () => {
    const names = Object.fromEntries(Object.entries(resourcesOf(json, 'docker_image')).map(([k, v]) => [k, v.name]));
    expect(names).toEqual({
      'tempo-image': `${ECR_CACHE}/grafana/tempo:3.0.3`,
      'otel-collector-image': `${ECR_CACHE}/otel/opentelemetry-collector-contrib:0.159.0`,
      'prometheus-image': `${ECR_CACHE}/prom/prometheus:v3.16.0`,
      'loki-image': `${ECR_CACHE}/grafana/loki:3.7.6`,
      'alertmanager-image': `${ECR_CACHE}/prom/alertmanager:v0.35.0`,
      'grafana-image': `registry.example.com/observability/grafana:13.2.3@${DIGEST}`,
      // the collector's health probe installer: Docker Hub's busybox, through the same registry
      'health-probe-install-image': `${ECR_CACHE}/library/busybox:1.37.0-musl`,
    });
  });

  test('the compose export and the stack manifest run the same images', () => {
    const compose = parseYaml(renderCompose(stack.plan, 'shop')) as { services: Record<string, { image: string }> };
    expect(compose.services.prometheus.image).toBe(`${ECR_CACHE}/prom/prometheus:v3.16.0`);
    expect(compose.services.grafana.image).toBe(`registry.example.com/observability/grafana:13.2.3@${DIGEST}`);
    const manifest = JSON.parse(stack.plan.files.find((f) => f.output === 'o11y-stack.json')!.content) as { components: { name: string; image: string }[] };
    expect(manifest.components.find((c) => c.name === 'grafana')!.image).toBe(`registry.example.com/observability/grafana:13.2.3@${DIGEST}`);
  });

  test('the provider reads credentials for each private registry from the Docker config, and for none by default', () => {
    expect((json.provider as Record<string, unknown[]>).docker).toEqual([{ registry_auth: [{ address: '123456789012.dkr.ecr.eu-west-1.amazonaws.com' }, { address: 'registry.example.com' }] }]);
    const plain = synthJson(new DockerObservabilityStack(testApp(), 'local', { spec: exampleSpec() }));
    expect((plain.provider as Record<string, unknown[]>).docker).toEqual([{}]);
  });
});

describe('images on ECS', () => {
  test('the registry rewrites the components’ images and both helpers’', () => {
    const { json } = buildAws('staging', { ...EXAMPLE_AWS_INPUTS.staging, images: { registry: ECR_CACHE } });
    expect(containers(json, 'otel-collector').map((c) => c.image)).toEqual([
      `${ECR_CACHE}/amazon/aws-cli:2.31.39`,
      `${ECR_CACHE}/otel/opentelemetry-collector-contrib:0.159.0`,
      `${ECR_CACHE}/library/busybox:1.37.0`,
    ]);
    expect(containers(json, 'tempo').map((c) => c.image)).toEqual([`${ECR_CACHE}/amazon/aws-cli:2.31.39`, `${ECR_CACHE}/grafana/tempo:3.0.3`]);
  });

  test("only the execution role of a task with an image in private ECR may pull, and only that image's repository", () => {
    const grafana = `210987654321.dkr.ecr.eu-central-1.amazonaws.com/platform/grafana:13.2.3@${DIGEST}`;
    const { json } = buildAws('staging', { ...EXAMPLE_AWS_INPUTS.staging, images: { components: { grafana } } });
    expect(containers(json, 'grafana').map((c) => c.image)).toEqual(['public.ecr.aws/aws-cli/aws-cli:2.31.39', grafana]);
    expect(rolePolicy(json, 'grafana/execution-role').Statement.slice(2)).toEqual([
      { Sid: 'EcrAuthorizationToken', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
      { Sid: 'PullImages', Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: ['arn:aws:ecr:eu-central-1:210987654321:repository/platform/grafana'] },
    ]);
    expect(rolePolicy(json, 'grafana/execution-role').Statement.map((s) => s.Sid)).toEqual(['WriteLogs', 'ReadSecrets', 'EcrAuthorizationToken', 'PullImages']);
    expect(rolePolicy(json, 'prometheus/execution-role').Statement.map((s) => s.Sid)).toEqual(['WriteLogs']);
  });

  test('a registry outside ECR adds no permission', () => {
    const { json } = buildAws('staging', { ...EXAMPLE_AWS_INPUTS.staging, images: { registry: 'harbor.example.com/docker-hub' } });
    expect(containers(json, 'tempo').map((c) => c.image)).toEqual(['harbor.example.com/docker-hub/amazon/aws-cli:2.31.39', 'harbor.example.com/docker-hub/grafana/tempo:3.0.3']);
    expect(rolePolicy(json, 'tempo/execution-role').Statement.map((s) => s.Sid)).toEqual(['WriteLogs']);
  });
});
