/** `o11y init`: writes a new repository's files from templates (no cdktf). */
import { nextSteps } from '../init/next-steps';
import { initRepository } from '../init/scaffold';
import type { Action } from './action';

export const init: Action = (args, io) => {
  const result = initRepository({
    dir: args.positionals[0] ?? '.',
    name: args.value('name'),
    service: args.value('service'),
    environment: args.value('env'),
    force: args.flag('force'),
  });
  io.out(nextSteps(result));
  return 0;
};
