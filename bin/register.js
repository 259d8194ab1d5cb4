// Lets Node run the TypeScript sources directly (stacks/main.ts, the CLI), compiling with
// swc through ts-node: no type check at run time (`npm run typecheck` does that), no build step.
process.env.TS_NODE_TRANSPILE_ONLY = 'true';
process.env.TS_NODE_SWC = 'true';
process.env.TS_NODE_PROJECT = require('node:path').join(__dirname, '..', 'tsconfig.json');
process.env.CHECKPOINT_DISABLE = '1';
require('ts-node/register');
