import { compareConfigs, ConfigFileDiff } from './config-diff';
import { configRisks } from './config-risks';
import { parseConfig } from './config-file';
import { Risk, risk, sortRisks } from './risk';
import { readSynthOutput, readText, StackOutput, SynthOutput } from './synth-output';
import { compareTerraform, ResourceDiff, terraformEntries } from './terraform-diff';
import { terraformRisks } from './terraform-risks';
import { compareTopology, TopologyDiff } from './topology';
import type { Tree } from './tree-diff';

/** What `o11y review` found: the same findings feed the Markdown and the JSON output. */
export interface Review {
  /** True when any stack differs. */
  readonly changed: boolean;
  readonly risks: readonly Risk[];
  /** Every stack of either side, sorted by id. */
  readonly stacks: readonly StackReview[];
}

export interface StackReview {
  readonly id: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly resources: readonly ResourceDiff[];
  readonly configs: readonly ConfigFileDiff[];
  /** The head's topology (absent for a removed stack, or a synth without `o11y-stack.json`). */
  readonly topology?: TopologyDiff;
}

const STACK_MANIFEST = 'o11y-stack.json';

/** Reads both synth output folders and compares them; throws ReviewInputError on an unusable one. */
export function reviewDirs(baseDir: string, headDir: string): Review {
  return review(readSynthOutput(baseDir), readSynthOutput(headDir));
}

export function review(base: SynthOutput, head: SynthOutput): Review {
  const ids = [...new Set([...base.stacks.keys(), ...head.stacks.keys()])].sort();
  const stacks: StackReview[] = [];
  const risks: Risk[] = [];
  for (const id of ids) {
    const [b, h] = [base.stacks.get(id), head.stacks.get(id)];
    const [bEntries, hEntries] = [terraformEntries(b?.terraform), terraformEntries(h?.terraform)];
    const resources = compareTerraform(bEntries, hEntries);
    const configs = compareConfigs(b, h);
    const status = !b ? 'added' : !h ? 'removed' : resources.length + configs.files.length > 0 ? 'changed' : 'unchanged';
    if (status === 'added' || status === 'removed') risks.push(risk(status === 'added' ? 'stack-added' : 'stack-removed', id, `stack ${status}`));
    if (status === 'changed') risks.push(...terraformRisks(id, bEntries, hEntries, resources), ...configRisks(id, configs.pairs));
    const pair = configs.pairs.get(STACK_MANIFEST);
    const headManifest = pair ? pair.head : manifestOf(h);
    const baseManifest = pair ? pair.base : headManifest;
    stacks.push({
      id,
      status,
      resources,
      configs: configs.files,
      ...(headManifest !== undefined ? { topology: compareTopology(b ? baseManifest : undefined, headManifest) } : {}),
    });
  }
  return { changed: stacks.some((s) => s.status !== 'unchanged'), risks: sortRisks(risks), stacks };
}

/** The stack manifest of one side, parsed; undefined when that synth did not write one. */
function manifestOf(stack: StackOutput | undefined): Tree | undefined {
  const path = stack?.configFiles.get(STACK_MANIFEST);
  return path === undefined ? undefined : parseConfig(STACK_MANIFEST, readText(path), path);
}
