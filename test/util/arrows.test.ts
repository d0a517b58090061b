// Which folders of src/ may import which: the kernel side (notebook/) and the figures
// (viz/) never reach into the headless runner (report/) or the commands (cli/); util/ is
// the bottom layer; the fit cache does not borrow the snapshot's internals.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findRepoRoot } from '../../src/util/repo-root';

const SRC = path.join(findRepoRoot(__dirname), 'src');

function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? sources(path.join(dir, e.name))
        : e.name.endsWith('.ts')
          ? [path.join(dir, e.name)]
          : [],
    );
}

/** Every src/ module a file imports, as a path relative to src/ ("report/runner"). */
function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import|require\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) =>
    path
      .relative(SRC, path.resolve(path.dirname(file), m[1]))
      .split(path.sep)
      .join('/'),
  );
}

const RULES: { from: RegExp; not: RegExp; why: string }[] = [
  { from: /^viz\//, not: /^(report|notebook|cli)\//, why: 'figures know nothing of notebooks or the runner' },
  { from: /^notebook\//, not: /^(report|cli)\//, why: 'kernel code never loads the headless runner' },
  { from: /^report\//, not: /^cli\//, why: 'the runner is a library; the command wraps it' },
  { from: /^util\//, not: /^(?!util\/)/, why: 'util/ is the bottom layer' },
  { from: /^followers\/cache\.ts$/, not: /^snapshot\//, why: 'the fit cache has its own file format' },
];

describe('src/ import directions', () => {
  const files = sources(SRC).map((f) => ({
    rel: path.relative(SRC, f).split(path.sep).join('/'),
    deps: imports(f),
  }));

  it('finds the imports it checks', () => {
    expect(files.find((f) => f.rel === 'report/runner.ts')?.deps).to.include('notebook/params');
  });

  for (const r of RULES)
    it(`${r.from.source} does not import ${r.not.source}: ${r.why}`, () => {
      const bad = files
        .filter((f) => r.from.test(f.rel))
        .flatMap((f) => f.deps.filter((d) => r.not.test(d)).map((d) => `${f.rel} -> ${d}`));
      expect(bad).to.deep.equal([]);
    });
});
