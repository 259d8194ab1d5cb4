/**
 * The documentation holds together: README.md is the landing page and links every page of
 * docs/, every relative link reaches a file and, with a `#fragment`, one of its headings, and
 * every `npm run <script>` the pages tell you to type exists.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { anchors, links, markdownFiles, readDoc, REPO } from './markdown';

const files = markdownFiles();
const scripts = Object.keys((JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

describe('the docs', () => {
  it('are linked from the README, every page of docs/', () => {
    const linked = new Set(links('README.md').map((l) => normalize(l.target.split('#')[0])));
    expect(files.filter((f) => f.startsWith('docs/') && !linked.has(f))).toEqual([]);
  });

  it('link only to files that exist and headings they have', () => {
    const broken: string[] = [];
    for (const file of files) {
      for (const link of links(file)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) continue; // https:, mailto:
        const [path, fragment] = link.target.split('#');
        const target = path === '' ? join(REPO, file) : join(REPO, dirname(file), decodeURIComponent(path));
        const at = `${file}:${link.line}: ${link.target}`;
        if (!existsSync(target)) broken.push(`${at}: no such file`);
        else if (fragment !== undefined) {
          if (!statSync(target).isFile() || !target.endsWith('.md')) broken.push(`${at}: a fragment of a file that is not Markdown`);
          else if (!anchors(readFileSync(target, 'utf8')).has(fragment)) broken.push(`${at}: ${relative(REPO, target)} has no heading #${fragment}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('name only npm scripts that package.json has', () => {
    const unknown = files.flatMap((file) =>
      readDoc(file)
        .split('\n')
        .flatMap((line, i) => [...line.matchAll(/npm run (?:--silent )?([a-z][\w:-]*)/g)].filter((m) => !scripts.includes(m[1])).map((m) => `${file}:${i + 1}: npm run ${m[1]}`)),
    );
    expect(unknown).toEqual([]);
  });

  it('keep the README a landing page', () => {
    // what it is, the picture, the quick start and the way in: the rest is in docs/
    expect(readDoc('README.md').split('\n').length).toBeLessThanOrEqual(250);
  });
});
