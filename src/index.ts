/**
 * The public API: the spec (type, loader, validation), the stack constructs, the review of two
 * synth outputs and the CLI entry.
 * Everything else (renderers, components, checks) is internal and may change.
 */
export * from './spec/types';
export * from './spec/resolved';
export { loadSpec, parseSpec } from './spec/load';
export { resolveSpec } from './spec/resolve';
export { specIssues, validateSpec } from './spec/validate';
export { O11yValidationError, formatIssue } from './spec/issues';
export type { Issue } from './spec/issues';
export { DockerObservabilityStack, type DockerObservabilityStackProps } from './targets/docker/docker-stack';
export { AwsObservabilityStack, type AwsObservabilityStackProps, type AwsStateBackendProps } from './targets/aws/aws-stack';
export { SAMPLING_SKEWS_SPAN_METRICS } from './checks/sampling';
export { synthApp } from './app';
export { reviewDirs, type Review, type StackReview } from './review/review';
export { renderMarkdown as renderReviewMarkdown } from './review/markdown';
export { renderJson as renderReviewJson } from './review/json';
export { main as cliMain, run as runCli } from './cli';
