import { parse } from 'yaml';
import { fileContent, StackPlan } from '../components/plan';

/**
 * Checks read the rendered files back as deployed (YAML/JSON text), not the objects the
 * renderers built. These helpers walk such untyped trees without throwing on a missing or
 * mistyped branch: a wrong shape shows up as the check's own message instead.
 */
export type Json = Record<string, unknown>;

export const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The value at a dotted path (`backend_worker.compaction.block_retention`), or undefined. */
export function at(tree: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Json)[k] : undefined), tree);
}

/** A rendered YAML file of the plan, parsed; undefined when the stack has no such file. */
export function renderedYaml(plan: StackPlan, output: string): Json | undefined {
  const text = fileContent(plan, output);
  return text === undefined ? undefined : obj(parse(text));
}
