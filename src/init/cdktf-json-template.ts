import { SYNTH_COMMAND } from './package-json-template';
import type { ScaffoldOptions } from './scaffold-options';

/** `cdktf.json` of a new repository: `cdktf synth|diff|deploy` run the same app as `npm run synth`. */
export function cdktfJsonTemplate(o: ScaffoldOptions): string {
  const config = {
    language: 'typescript',
    app: SYNTH_COMMAND,
    projectId: `${o.name}-o11y`,
    sendCrashReports: 'false',
    terraformProviders: [],
    terraformModules: [],
    context: {},
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
