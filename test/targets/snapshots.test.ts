import { EXAMPLE_STACK_IDS, exampleApp, ExampleApp, removeTempDirs, synthJson } from '../support/synth';

// One reviewed picture per stack: any change to what `npm run synth` produces shows up here as a
// diff. Update deliberately (`npx jest test/targets/snapshots.test.ts -u`) after reading it.
let example: ExampleApp;
beforeAll(() => {
  example = exampleApp();
});
afterAll(removeTempDirs);

test.each(EXAMPLE_STACK_IDS)('the %s stack synthesizes to its reviewed snapshot', (id) => {
  expect(synthJson(example.stacks.get(id)!)).toMatchSnapshot();
});
