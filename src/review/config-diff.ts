import { Change, describe, uniqueByText } from './change';
import { configKind, parseConfig } from './config-file';
import { meaningOf } from './config-meaning';
import { readBytes, StackOutput } from './synth-output';
import { diffTrees, formatPath, Tree } from './tree-diff';
import { YamlPieces } from './yaml-pieces';

export interface ConfigFileDiff {
  /** Path under `config/`. */
  readonly file: string;
  readonly status: 'added' | 'removed' | 'changed';
  /** For a changed file: what changed in its tree (empty when only formatting or key order did). */
  readonly changes: readonly Change[];
}

/** The parsed trees of one config file whose text differs between the two sides. */
export interface ConfigPair {
  readonly base?: Tree;
  readonly head?: Tree;
}

export interface ConfigComparison {
  /** Files added, removed or semantically changed, sorted by path. */
  readonly files: readonly ConfigFileDiff[];
  /** Every file whose text differs, parsed: what the risk rules read. */
  readonly pairs: ReadonlyMap<string, ConfigPair>;
}

/**
 * The `config/` folders of one stack, compared as trees. Every file is read as bytes, but
 * decoded and parsed only when the other side lacks it or holds different bytes, so a large
 * stack whose configs did not change costs one read per file. `pieces` may be shared by
 * every stack of a review.
 */
export function compareConfigs(base: StackOutput | undefined, head: StackOutput | undefined, pieces = new YamlPieces()): ConfigComparison {
  const bFiles = base?.configFiles ?? new Map<string, string>();
  const hFiles = head?.configFiles ?? new Map<string, string>();
  const files: ConfigFileDiff[] = [];
  const pairs = new Map<string, ConfigPair>();
  for (const file of [...new Set([...bFiles.keys(), ...hFiles.keys()])].sort()) {
    const bPath = bFiles.get(file);
    const hPath = hFiles.get(file);
    // bytes first: most files are the same on both sides, and need no decoding
    const bBytes = bPath === undefined ? undefined : readBytes(bPath);
    const hBytes = hPath === undefined ? undefined : readBytes(hPath);
    if (bBytes && hBytes && bBytes.equals(hBytes)) continue;
    const bText = bBytes?.toString('utf8');
    const hText = hBytes?.toString('utf8');
    const pair: ConfigPair = {
      ...(bText !== undefined ? { base: parseConfig(file, bText, bPath!, pieces) } : {}),
      ...(hText !== undefined ? { head: parseConfig(file, hText, hPath!, pieces) } : {}),
    };
    pairs.set(file, pair);
    if (bText === undefined) files.push({ file, status: 'added', changes: [] });
    else if (hText === undefined) files.push({ file, status: 'removed', changes: [] });
    else {
      const changes = configKind(file) === 'text' ? [{ path: '', text: 'content changed' }] : configChanges(file, pair.base, pair.head);
      if (changes.length > 0) files.push({ file, status: 'changed', changes });
    }
  }
  return { files, pairs };
}

export function configChanges(file: string, base: Tree, head: Tree): Change[] {
  return uniqueByText(diffTrees(base, head).map((c) => describe(c, meaningOf(file, formatPath(c.path)))));
}
