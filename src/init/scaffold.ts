import { resolve } from 'node:path';
import { issue, O11yValidationError, throwIfAny } from '../spec/issues';
import { cdktfJsonTemplate } from './cdktf-json-template';
import { gitignoreTemplate } from './gitignore-template';
import { mainTemplate } from './main-template';
import { packageJsonTemplate } from './package-json-template';
import { PinnedVersions, pinnedVersions } from './pinned-versions';
import { REVIEW_WORKFLOW_PATH, reviewWorkflowTemplate } from './review-workflow';
import { DEFAULT_ENVIRONMENT, DEFAULT_SERVICE, nameFromDirectory, ScaffoldOptions, scaffoldIssues } from './scaffold-options';
import { specTemplate } from './spec-template';
import { stacksTemplate } from './stacks-template';
import { planTarget, TargetPlan, writeFiles } from './target-dir';
import { tsconfigTemplate } from './tsconfig-template';

export interface InitProps {
  /** Where the repository goes: an empty or new directory. */
  readonly dir: string;
  /**
   * The spec's name.
   * @default - the directory's name, made a valid name (`My Infra` → `my-infra`)
   */
  readonly name?: string;
  /**
   * The spec's one service.
   * @default "my-service"
   */
  readonly service?: string;
  /**
   * The AWS environment beside `local`.
   * @default "prod"
   */
  readonly environment?: string;
  /**
   * Write into a non-empty directory, over the files of the same names.
   * @default false
   */
  readonly force?: boolean;
  /**
   * The versions the scaffold pins.
   * @default - o11y-stack's own version and the versions its package.json pins
   */
  readonly versions?: PinnedVersions;
}

export interface InitResult {
  readonly options: ScaffoldOptions;
  readonly target: TargetPlan;
  /** Every file written, relative to the directory, in the order written. */
  readonly files: readonly string[];
  readonly versions: PinnedVersions;
}

/** The files of a new repository, by `/`-separated path, from the templates. */
export function scaffoldFiles(o: ScaffoldOptions, versions: PinnedVersions): Map<string, string> {
  return new Map([
    ['package.json', packageJsonTemplate(o, versions)],
    ['cdktf.json', cdktfJsonTemplate(o)],
    ['tsconfig.json', tsconfigTemplate()],
    ['.gitignore', gitignoreTemplate()],
    ['stacks/o11y.yaml', specTemplate(o)],
    ['stacks/stacks.ts', stacksTemplate(o)],
    ['stacks/main.ts', mainTemplate()],
    [REVIEW_WORKFLOW_PATH, reviewWorkflowTemplate()],
  ]);
}

/**
 * `o11y init`: checks the names and the directory, then writes the scaffold. Any problem is
 * thrown as one {@link O11yValidationError} before anything is written.
 */
export function initRepository(props: InitProps): InitResult {
  const options: ScaffoldOptions = {
    name: props.name ?? nameFromDirectory(resolve(props.dir)),
    service: props.service ?? DEFAULT_SERVICE,
    environment: props.environment ?? DEFAULT_ENVIRONMENT,
  };
  throwIfAny('o11y init', scaffoldIssues(options));
  const versions = props.versions ?? pinnedVersions();
  const files = scaffoldFiles(options, versions);
  const target = planTarget(props.dir, [...files.keys()], props.force ?? false);
  try {
    writeFiles(target, files);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw e;
    throw new O11yValidationError('o11y init', [issue(props.dir, `cannot be written: ${(e as Error).message}`)]);
  }
  return { options, target, files: [...files.keys()], versions };
}
