import { basename } from 'node:path';
import { COMPONENT_NAMES } from '../components/component';
import { issue, Issue } from '../spec/issues';
import { NAME_HINT, NAME_PATTERN } from '../spec/spec-schema';
import { awsNames } from '../targets/aws/aws-names';
import { bucketNameProblems } from '../targets/aws/bucket-names';

/** What `o11y init` fills into its templates. */
export interface ScaffoldOptions {
  /** The spec's `name`: it prefixes every resource name. */
  readonly name: string;
  /** The spec's one service. */
  readonly service: string;
  /** The AWS environment beside `local`: its stack's id and its `environments.<name>` in the spec. */
  readonly environment: string;
}

export { DEFAULT_ENVIRONMENT, DEFAULT_SERVICE } from './scaffold-defaults';
/** The Docker stack every scaffold has. */
export const LOCAL_STACK = 'local';
/** Used when nothing of the directory's name is a valid name. */
const FALLBACK_NAME = 'my-org';

// the spec's limits (spec-schema.ts): name 24, service 63, environment 32 characters
const MAX = { name: 24, service: 63, environment: 32 } as const;

/**
 * The spec name a directory suggests: `My Infra` → `my-infra`, `2026-o11y` → `o11y`, cut to
 * the spec's 24 characters. Only a default: a name given with `--name` is checked, not changed.
 */
export function nameFromDirectory(dir: string): string {
  const base = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, MAX.name)
    .replace(/-+$/, '');
  return base || FALLBACK_NAME;
}

function nameIssues(flag: string, value: string, max: number): Issue[] {
  if (!NAME_PATTERN.test(value)) return [issue(flag, `must match ${NAME_HINT}`, value)];
  if (value.length > max) return [issue(flag, `must be at most ${max} characters`, value)];
  return [];
}

/** The `o11y init` option each name comes from: problems are reported under it. */
export const OPTION_OF = { name: '--name', service: '--service', environment: '--env' } as const;

/**
 * Every problem with the names, each under its option, before anything is written: the spec's
 * rules for names, and the resource names they make (S3 allows 63 characters per bucket).
 */
export function scaffoldIssues(o: ScaffoldOptions): Issue[] {
  const issues = [...nameIssues(OPTION_OF.name, o.name, MAX.name), ...nameIssues(OPTION_OF.service, o.service, MAX.service), ...nameIssues(OPTION_OF.environment, o.environment, MAX.environment)];
  if ((COMPONENT_NAMES as readonly string[]).includes(o.service)) {
    issues.push(issue(OPTION_OF.service, `is the name of a stack component (${COMPONENT_NAMES.join(', ')}): its scrape job would clash with the component's; choose another`, o.service));
  }
  if (o.environment === LOCAL_STACK) issues.push(issue(OPTION_OF.environment, `names the Docker stack every scaffold has (${LOCAL_STACK}); choose the AWS environment's name, e.g. prod`, o.environment));
  if (issues.length === 0) {
    // the AWS stack's default bucket names: S3 allows 63 characters
    const { tracesBucket, logsBucket, configBucket } = awsNames(o.name, o.environment, {});
    const problems = [tracesBucket, logsBucket, configBucket].flatMap((b) => bucketNameProblems(b).map((p) => `bucket ${b} ${p}`));
    if (problems.length) issues.push(issue(OPTION_OF.environment, `with --name ${o.name}, the ${problems[0]}: choose shorter names`, o.environment));
  }
  return issues;
}
