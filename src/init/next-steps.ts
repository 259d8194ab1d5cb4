import { relative } from 'node:path';
import { PLACEHOLDER } from '../targets/placeholders';
import { CDKTF_CLI } from './pinned-versions';
import type { InitResult } from './scaffold';
import { LOCAL_STACK } from './scaffold-options';

function shellWord(s: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** What `o11y init` prints: what it wrote, then the commands to run next, in order. */
export function nextSteps(r: InitResult, cwd: string = process.cwd()): string {
  const where = relative(cwd, r.target.dir) || '.';
  const { service, environment } = r.options;
  const v = r.versions.o11yStack;
  const steps: [command: string, why: string][] = [
    ...(where === '.' ? [] : [[`cd ${shellWord(where)}`, ''] as [string, string]]),
    ['npm install', `o11y-stack ${v} is not on the npm registry: first npm install /path/to/o11y-stack-${v}.tgz (its docs/library.md, "Use it as a library")`],
    ['npm run synth', `fails, naming every ${PLACEHOLDER} in stacks/stacks.ts: replace each with your AWS value, then synth again`],
    [`npx --no o11y env ${service} --stack ${LOCAL_STACK}`, `the OTEL_* variables ${service} needs to send to the local stack`],
    [`npx --no o11y compose --stack ${LOCAL_STACK} > docker-compose.yml`, 'the local stack for Docker Compose'],
    ['git init && git add -A && git commit -m "Observability stack"', 'with package-lock.json: the review workflow runs npm ci'],
    [`npx ${CDKTF_CLI}@${r.versions.pin(CDKTF_CLI)} deploy ${environment}`, 'with AWS credentials, once no placeholder is left'],
  ];
  const lines = [
    `o11y init: wrote ${r.files.length} files into ${where}${r.target.overwrite.length ? ` (overwrote ${r.target.overwrite.join(', ')})` : ''}:`,
    ...r.files.map((f) => `  ${f}`),
    '',
    'Next:',
    ...steps.map(([command, why]) => (why ? `  ${command}\n      ${why}` : `  ${command}`)),
    '',
  ];
  return lines.join('\n');
}
