/**
 * `tsconfig.json` of a new repository: a type check only (`npm run typecheck`); synth strips the
 * types with swc and needs no build. Node16 resolution reads o11y-stack's `exports` map, as Node does.
 */
export function tsconfigTemplate(): string {
  const config = {
    compilerOptions: {
      target: 'ES2022',
      module: 'node16',
      moduleResolution: 'node16',
      lib: ['ES2022'],
      strict: true,
      noImplicitReturns: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      skipLibCheck: true,
      types: ['node'],
      noEmit: true,
    },
    include: ['stacks/**/*.ts'],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
