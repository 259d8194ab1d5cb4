import { AnnotationMetadataEntryType } from 'cdktf';
import type { Construct, IConstruct } from 'constructs';
import { stackWarnings } from '../checks';
import type { StackPlan } from '../components/plan';
import { formatIssue } from '../spec/issues';

/**
 * Puts the plan's warnings on the stack as cdktf warning annotations (what `Annotations.addWarning`
 * writes, and what `cdktf synth` prints), each prefixed with its stable id
 * (`[o11y:sampling-skews-span-metrics] …`) so a team can grep, review or accept it. Written
 * without the stack trace `Annotations` would add: that holds absolute paths of this machine
 * and would make manifest.json differ between machines.
 */
export function annotateWarnings(scope: Construct, plan: StackPlan): void {
  for (const w of stackWarnings(plan)) scope.node.addMetadata(AnnotationMetadataEntryType.WARN, `[${w.id}] ${formatIssue(w.issue)}`, { stackTrace: false });
}

/** The warning annotations of a construct tree, `[path, message]`, in tree order. */
export function warningsOf(root: IConstruct): [string, string][] {
  return root.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => [c.node.path, String(m.data)] as [string, string]));
}
