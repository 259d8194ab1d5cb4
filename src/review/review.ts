import { compareConfigs, ConfigFileDiff } from './config-diff';
import { configRisks } from './config-risks';
import { parseConfig } from './config-file';
import { Risk, risk, sortRisks } from './risk';
import { readBytes, readSynthOutput, readTerraform, readText, StackOutput, SynthOutput } from './synth-output';
import { compareTerraform, ResourceDiff, TerraformEntry, terraformEntries } from './terraform-diff';
import { terraformRisks } from './terraform-risks';
import { compareTopology, TopologyDiff } from './topology';
import type { Tree } from './tree-diff';
import { YamlPieces } from './yaml-pieces';
import { SecretAgePolicy, secretRisks } from './secret-age';

export interface ReviewOptions {
  /**
   * Flag generated secrets (Grafana's admin password) not rotated within the policy's days.
   * @default - no age flags (a rotation the change makes is still flagged)
   */
  readonly secretAge?: SecretAgePolicy;
}

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
export function reviewDirs(baseDir: string, headDir: string, options: ReviewOptions = {}): Review {
  return review(readSynthOutput(baseDir), readSynthOutput(headDir), options);
}

export function review(base: SynthOutput, head: SynthOutput, options: ReviewOptions = {}): Review {
  const ids = [...new Set([...base.stacks.keys(), ...head.stacks.keys()])].sort();
  const stacks: StackReview[] = [];
  const risks: Risk[] = [];
  // one cache of parsed YAML pieces for the whole review: the stacks' large rule files share most of their text
  const pieces = new YamlPieces();
  for (const id of ids) {
    const [b, h] = [base.stacks.get(id), head.stacks.get(id)];
    // stack by stack, so only one stack's trees are held at a time
    const [bEntries, hEntries] = terraformOf(b, h);
    const resources = compareTerraform(bEntries, hEntries);
    const configs = compareConfigs(b, h, pieces);
    const status = !b ? 'added' : !h ? 'removed' : resources.length + configs.files.length > 0 ? 'changed' : 'unchanged';
    if (status === 'added' || status === 'removed') risks.push(risk(status === 'added' ? 'stack-added' : 'stack-removed', id, `stack ${status}`));
    if (status === 'changed') risks.push(...terraformRisks(id, bEntries, hEntries, resources), ...configRisks(id, configs.pairs));
    if (status === 'changed' || status === 'added') risks.push(...secretRisks(id, bEntries, hEntries, options.secretAge));
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

/**
 * Both sides' Terraform blocks. Byte-identical files hold the same blocks: neither is parsed,
 * and both sides are empty, which no rule tells from "no change" (every Terraform rule
 * compares base with head).
 */
function terraformOf(b: StackOutput | undefined, h: StackOutput | undefined): [Map<string, TerraformEntry>, Map<string, TerraformEntry>] {
  const [bBytes, hBytes] = [b && readBytes(b.terraformFile), h && readBytes(h.terraformFile)];
  if (bBytes && hBytes && bBytes.equals(hBytes)) {
    readTerraform(b!.terraformFile, bBytes); // still refused when it is no Terraform JSON
    return [new Map(), new Map()];
  }
  return [terraformEntries(b && readTerraform(b.terraformFile, bBytes)), terraformEntries(h && readTerraform(h.terraformFile, hBytes))];
}

/** The stack manifest of one side, parsed; undefined when that synth did not write one. */
function manifestOf(stack: StackOutput | undefined): Tree | undefined {
  const path = stack?.configFiles.get(STACK_MANIFEST);
  return path === undefined ? undefined : parseConfig(STACK_MANIFEST, readText(path), path);
}
