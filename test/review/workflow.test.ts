import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { makeTempDir, removeTempDirs, REPO_ROOT } from '../support/synth';
import { synthExample } from './support';

/**
 * .github/workflows/o11y-review.yml: its shape (triggers, least permissions, two checkouts,
 * two synths), and its two scripts run here: the review step's shell against real synth
 * outputs, and the comment step's JavaScript against a stand-in for GitHub's API.
 */
interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, string | number | boolean>;
  readonly env?: Record<string, string>;
  readonly 'working-directory'?: string;
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly jobs: Record<string, { readonly permissions?: unknown; readonly steps: Step[] }>;
}

const WORKFLOW_FILE = join(REPO_ROOT, '.github', 'workflows', 'o11y-review.yml');
const workflow = parse(readFileSync(WORKFLOW_FILE, 'utf8')) as Workflow;
const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
const step = (name: string): Step => steps.find((s) => s.name === name) ?? fail(`no step named ${name}`);
const MARKER = '<!-- o11y-review -->';

afterAll(removeTempDirs);

function fail(message: string): never {
  throw new Error(message);
}

describe('the workflow file', () => {
  it('runs on pull requests with the least permissions: read the code, write the comment', () => {
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    expect(workflow.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    for (const job of Object.values(workflow.jobs)) expect(job.permissions).toBeUndefined();
  });

  it('checks out the pull request and its base, each into its own folder, without keeping the token', () => {
    const checkouts = steps.filter((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkouts.map((s) => s.with)).toEqual([
      { path: 'head', 'persist-credentials': false },
      { ref: '${{ github.event.pull_request.base.sha }}', path: 'base', 'persist-credentials': false },
    ]);
  });

  it('installs and synthesizes both checkouts into separate output folders', () => {
    for (const side of ['head', 'base']) {
      // the head installs from its complete lockfile; a base from before it may need the fallback
      const install = side === 'head' ? 'npm ci --no-audit --no-fund' : 'npm ci --no-audit --no-fund || npm install --no-audit --no-fund';
      expect(step(`Install (${side})`)).toMatchObject({ 'working-directory': side, run: install });
      const synth = step(`Synthesize (${side})`);
      expect(synth['working-directory']).toBe(side);
      expect(synth.run).toContain(`CDKTF_OUTDIR="$RUNNER_TEMP/synth/${side}" npm run synth`);
    }
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.synth).toBeDefined();
    expect(pkg.scripts.o11y).toBe('node bin/o11y.js');
  });

  it('posts with actions/github-script, finding its comment again by the hidden marker', () => {
    const post = step('Post or update the review comment');
    expect(post.uses).toMatch(/^actions\/github-script@v\d+$/);
    expect(String(post.with?.script)).toContain(`const marker = '${MARKER}';`);
  });
});

describe('the review step, run here', () => {
  it('writes exactly what `o11y review` prints (no npm banner) to the review file and the run summary', () => {
    const temp = makeTempDir('workflow-runner');
    const base = synthExample();
    mkdirSync(join(temp, 'synth'));
    cpSync(base, join(temp, 'synth', 'base'), { recursive: true });
    cpSync(base, join(temp, 'synth', 'head'), { recursive: true });
    const summary = join(temp, 'summary.md');
    const r = spawnSync('bash', ['-e', '-c', step('Review').run!], {
      cwd: REPO_ROOT,
      env: { ...process.env, RUNNER_TEMP: temp, GITHUB_STEP_SUMMARY: summary, BASE_SYNTH_OUTCOME: 'success', BASE_SHA: 'abc123' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const expected = '## o11y review\n\nNo changes: every stack (local, local-jaeger, prod, prod-peak, staging) is the same in base and head.\n';
    expect(readFileSync(join(temp, 'o11y-review.md'), 'utf8')).toBe(expected);
    expect(readFileSync(summary, 'utf8')).toBe(expected);
  });

  it('says so when the base could not be synthesized', () => {
    const temp = makeTempDir('workflow-runner');
    const r = spawnSync('bash', ['-e', '-c', step('Review').run!], {
      cwd: REPO_ROOT,
      env: { ...process.env, RUNNER_TEMP: temp, GITHUB_STEP_SUMMARY: join(temp, 'summary.md'), BASE_SYNTH_OUTCOME: 'failure', BASE_SHA: 'abc123' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(readFileSync(join(temp, 'o11y-review.md'), 'utf8')).toBe('## o11y review\n\nThe base (abc123) could not be installed or synthesized, so there is nothing to compare with; see the job log.\n');
  });
});

describe('the comment step, run against a stand-in for the GitHub API', () => {
  interface Comment {
    id: number;
    body: string;
    user: { type: string };
  }
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<void>;
  const script = String(step('Post or update the review comment').with?.script);

  /** Runs the step's script as actions/github-script does: an async function of require, github, context and core. */
  async function post(review: string, existing: Comment[], refuse?: string): Promise<{ created: string[]; updated: [number, string][]; warnings: string[] }> {
    const file = join(makeTempDir('workflow-comment'), 'o11y-review.md');
    writeFileSync(file, review);
    const created: string[] = [];
    const updated: [number, string][] = [];
    const warnings: string[] = [];
    const write = <T>(done: () => T): Promise<T> => (refuse ? Promise.reject(new Error(refuse)) : Promise.resolve(done()));
    const listComments = async () => ({ data: existing });
    const github = {
      paginate: async (fn: unknown, args: { issue_number: number }) => {
        expect(fn).toBe(listComments);
        expect(args.issue_number).toBe(42);
        return existing;
      },
      rest: {
        issues: {
          listComments,
          createComment: (a: { issue_number: number; body: string }) => write(() => created.push(a.body)),
          updateComment: (a: { comment_id: number; body: string }) => write(() => updated.push([a.comment_id, a.body])),
        },
      },
    };
    const context = { repo: { owner: 'shop', repo: 'o11y' }, payload: { pull_request: { number: 42 } } };
    const core = { warning: (m: string) => void warnings.push(m) };
    process.env.REVIEW_FILE = file;
    try {
      await new AsyncFunction('require', 'github', 'context', 'core', script)(require, github, context, core);
    } finally {
      delete process.env.REVIEW_FILE;
    }
    return { created, updated, warnings };
  }

  it('creates the comment, marker first, when the pull request has none', async () => {
    const r = await post('## o11y review\n\nNo changes.\n', [{ id: 1, body: 'LGTM', user: { type: 'User' } }]);
    expect(r).toEqual({ created: [`${MARKER}\n## o11y review\n\nNo changes.\n`], updated: [], warnings: [] });
  });

  it('updates its own earlier comment, and never a person’s comment that quotes the marker', async () => {
    const r = await post('## o11y review\n\nnew\n', [
      { id: 7, body: `${MARKER}\nquoted by a person`, user: { type: 'User' } },
      { id: 9, body: `${MARKER}\n## o11y review\n\nold\n`, user: { type: 'Bot' } },
    ]);
    expect(r).toEqual({ created: [], updated: [[9, `${MARKER}\n## o11y review\n\nnew\n`]], warnings: [] });
  });

  it('cuts a review longer than a comment may be at a line, and says where the rest is', async () => {
    const line = `- ${'x'.repeat(98)}\n`;
    const r = await post(line.repeat(1000), []);
    const body = r.created[0];
    expect(body.length).toBeLessThanOrEqual(65536);
    expect(body.endsWith(`${line}\n… cut here: the whole review is in the summary of this workflow run.\n`)).toBe(true);
  });

  it('warns instead of failing when the token may not write (a pull request from a fork)', async () => {
    const r = await post('x', [], 'Resource not accessible by integration');
    expect(r).toEqual({ created: [], updated: [], warnings: ['could not post the review comment (Resource not accessible by integration); it is in the summary of this run'] });
  });
});
