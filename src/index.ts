/**
 * The public API, what `import … from 'o11y-stack'` gives: the spec (types, loader,
 * validation), the stack constructs and every type their props and members name (the stack
 * plan, its components and topology, the AWS sizing), the warnings, the env and compose
 * renderers, the review of two synth outputs and the CLI entry.
 * Everything else (the other renderers, components, checks) is internal and may change; the
 * package's `exports` map keeps deep imports out.
 */
export * from './spec/types';
export * from './spec/resolved';
export { loadSpec, parseSpec } from './spec/load';
export { resolveSpec } from './spec/resolve';
export { specIssues, validateSpec } from './spec/validate';
export { O11yValidationError, formatIssue } from './spec/issues';
export type { Issue } from './spec/issues';

// the stacks, and what their props and `plan` name
export { DockerObservabilityStack, type DockerObservabilityStackProps } from './targets/docker/docker-stack';
export { AwsObservabilityStack, type AwsObservabilityStackProps, type AwsStateBackendProps } from './targets/aws/aws-stack';
export { awsEnvironments, type AwsEnvironmentInputs } from './targets/aws/aws-environments';
export type { ComponentSizing } from './targets/aws/component-service';
export type { StackPlan, RenderedFile, ServiceEnv } from './components/plan';
export type { Topology, TraceBackend } from './components/topology';
export {
  COMPONENT_NAMES,
  type ComponentName,
  type Component,
  type ComponentPort,
  type ComponentVolume,
  type PortPurpose,
  type ConfigFile,
  type HealthCheck,
  type ComponentSecret,
  type ComponentFlow,
  type Prelude,
} from './components/component';
export type { ImageReference } from './components/image-reference';
export type { StackImagesProps } from './components/stack-images';
export type { TempoStorage } from './render/tempo';
export type { LokiStorage } from './render/loki';

// warnings: stable ids on cdktf warning annotations
export { SAMPLING_SKEWS_SPAN_METRICS } from './checks/sampling';
export { warningsOf } from './targets/warnings';

// a service's OTEL_* environment and a local stack's docker-compose.yml, from a plan
export { renderOtelEnv, formatEnv, ENV_FORMATS, type EnvFormat, type OtlpEndpoints, type OtlpSignal } from './render/otel-env';
export { renderCompose } from './render/compose';

export { synthApp } from './app';
export { reviewDirs, type Review, type ReviewOptions, type StackReview } from './review/review';
export type { SecretAgePolicy } from './review/secret-age';
export { RISK_KINDS, type Risk, type RiskKind } from './review/risk';
export type { Change } from './review/change';
export type { TextChange } from './review/text-change';
export type { Tree } from './review/tree-diff';
export type { ConfigFileDiff } from './review/config-diff';
export type { ResourceDiff } from './review/terraform-diff';
export type { TopologyDiff } from './review/topology';
export { renderMarkdown as renderReviewMarkdown } from './review/markdown';
export { renderJson as renderReviewJson } from './review/json';

export { main as cliMain, run as runCli } from './cli';
/** Where `runCli` writes: stdout and stderr, as strings (cli.ts's own `Io`). */
export type CliIo = Parameters<typeof import('./cli').run>[1];
