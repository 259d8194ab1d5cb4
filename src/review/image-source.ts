import { registryAndPath, splitImageReference } from '../components/image-reference';

/**
 * How the source of a container's image changed, or undefined when it did not: another registry
 * or repository serves different bits under the same name, and a replaced or dropped digest
 * means the content is no longer the one that was pinned. A new tag from the same repository
 * (with its new digest, if pinned by one) is a version bump, not a source change; so is a digest
 * added to a tag.
 */
export function imageSourceChange(before: string, after: string): string | undefined {
  const b = splitImageReference(before);
  const a = splitImageReference(after);
  if (!b || !a) return undefined;
  const [rb, ra] = [registryAndPath(b.repository), registryAndPath(a.repository)];
  const changed: string[] = [];
  if (rb.registry !== ra.registry) changed.push('registry');
  if (rb.path !== ra.path) changed.push('repository');
  const what = changed.length > 0 ? [`${changed.join(' and ')} changed`] : [];
  if (b.digest !== undefined && a.digest === undefined) what.push('digest dropped');
  else if (b.digest !== undefined && a.digest !== b.digest && a.tag === b.tag) what.push(a.tag === undefined ? 'digest replaced' : `digest replaced, same tag ${a.tag}`);
  return what.length > 0 ? what.join(', ') : undefined;
}
