import type { Review } from './review';

/** Names the JSON layout; bumped when a field changes meaning, so a consumer can tell. */
export const REVIEW_JSON_FORMAT = 'o11y-review/1';

/**
 * The review as JSON: the same findings as the Markdown, uncut. Keys come in a fixed order
 * and every list is sorted, so two runs over the same inputs print the same bytes.
 */
export function renderJson(r: Review): string {
  return `${JSON.stringify({ format: REVIEW_JSON_FORMAT, changed: r.changed, risks: r.risks, stacks: r.stacks }, null, 2)}\n`;
}
