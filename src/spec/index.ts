export * from './types';
export * from './resolved';
export { loadSpec, parseSpec } from './load';
export { resolveSpec } from './resolve';
export { specIssues, validateSpec } from './validate';
export { O11yValidationError, formatIssue } from './issues';
export type { Issue } from './issues';
