/** `o11y verify`: sends through a deployed stack and reads every hop back (no cdktf). */
import { verifyEndpoints } from '../verify/endpoints';
import { formatHop, verifyStack } from '../verify/hops';
import type { Action } from './action';
import { UsageError } from './args';

export const verify: Action = async (args, io) => {
  const stack = args.positionals[0];
  if (!stack) throw new UsageError('which stack? o11y verify <stack> [--synth-dir cdktf.out]');
  const timeout = Number(args.value('timeout'));
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 3600) throw new UsageError(`--timeout takes whole seconds from 1 to 3600 (got ${JSON.stringify(args.value('timeout'))})`);
  const endpoints = verifyEndpoints(args.value('synth-dir') ?? 'cdktf.out', stack);
  io.out(`o11y verify ${stack} (${endpoints.target}, environment ${endpoints.environment}): sending through ${endpoints.otlpHttp.url}\n`);
  const outcomes = await verifyStack(endpoints, { timeoutSeconds: timeout, onHop: (o) => io.out(formatHop(o)) });
  const broken = outcomes.find((o) => !o.ok);
  if (broken) {
    io.err(`o11y verify: ${stack} is broken at hop '${broken.hop}': ${broken.detail}\n`);
    return 1;
  }
  io.out(`o11y verify: every hop of ${stack} carries data\n`);
  return 0;
};
