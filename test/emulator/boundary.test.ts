/**
 * The emulator is the synthetic world, not part of the study: analysing a real community
 * must not load it. This reads the import graph of `src/` (every static import, export
 * from, dynamic import and require, as the TypeScript compiler finds them) and of the
 * notebooks, and checks who reaches into `src/emulator/` and what the emulator reaches.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { SMALL_COMMUNITIES } from '../../src/emulator/communities';
import { DEFAULT_SCREEN_NAME } from '../../src/emulator/server';
import { SYNTHETIC_GROUPS } from '../../src/notebook/params';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SRC = path.join(ROOT, 'src');

/** Files outside src/emulator/ that may import it: the synthetic-only code paths. */
const EMULATOR_IMPORTERS = new Set(['src/cli/emulator.ts']);

/** What src/emulator/ may import besides itself: small pure modules, none of the study's stages. */
const EMULATOR_MAY_IMPORT = [
  /^src\/util\//,
  /^src\/followers\/spec\.ts$/,
  /^src\/vk\/error-codes\.ts$/,
  /^src\/vk\/synthetic-marker\.ts$/,
];
/** `npm run emulator`'s options follow the CLI convention every command uses. */
const CLI_ARGS_MAY_IMPORT = /^src\/cli\/command\.ts$/;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const rel = (file: string): string => path.relative(ROOT, file).split(path.sep).join('/');

/** The repository file a relative specifier names (`./x`, `../x/index`), or undefined for packages. */
function resolve(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec.replace(/\.js$/, ''));
  for (const cand of [`${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(cand)) return cand;
  throw new Error(`${rel(from)}: cannot resolve import '${spec}'`);
}

/** Every file of the repository each source file imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles
      .map((f) => resolve(file, f.fileName))
      .filter((t): t is string => t !== undefined)
      .map(rel);
    graph.set(rel(file), targets);
  }
  return graph;
}

describe('emulator / boundary: the study does not import the synthetic world', () => {
  const graph = importGraph();

  it('reads a plausible graph (every stage, multi-line and type-only imports)', () => {
    expect(graph.size).to.be.greaterThan(100);
    expect(graph.get('src/followers/prepare.ts')).to.include('src/followers/spec.ts');
    expect(graph.get('src/cli/emulator.ts')).to.include('src/emulator/index.ts');
  });

  it("the study's list of synthetic communities is the emulator's (written out, not imported)", () => {
    expect(SYNTHETIC_GROUPS).to.deep.equal([
      DEFAULT_SCREEN_NAME,
      ...SMALL_COMMUNITIES.map((c) => c.screenName),
    ]);
  });

  it('nothing outside src/emulator/ imports it, except the synthetic-only code paths', () => {
    const offenders: string[] = [];
    for (const [file, targets] of graph) {
      if (file.startsWith('src/emulator/') || EMULATOR_IMPORTERS.has(file)) continue;
      for (const t of targets) if (t.startsWith('src/emulator/')) offenders.push(`${file} → ${t}`);
    }
    expect(offenders).to.deep.equal([]);
  });

  it('the emulator imports only itself, src/util/, the model spec, the VK error codes and the synthetic marker (no snapshot types; its CLI options the CLI convention)', () => {
    const offenders: string[] = [];
    for (const [file, targets] of graph) {
      if (!file.startsWith('src/emulator/')) continue;
      for (const t of targets) {
        if (t.startsWith('src/emulator/') || EMULATOR_MAY_IMPORT.some((re) => re.test(t))) continue;
        if (file === 'src/emulator/cli-args.ts' && CLI_ARGS_MAY_IMPORT.test(t)) continue;
        offenders.push(`${file} → ${t}`);
      }
    }
    expect(offenders).to.deep.equal([]);
  });

  it('the model spec depends on nothing', () => {
    expect(graph.get('src/followers/spec.ts')).to.deep.equal([]);
  });

  it('notebooks reach the emulator only in 01 (the synthetic pull), for the bot truth in 02 and for the truth in 05 (trueDraws, the default zero share)', () => {
    const dir = path.join(ROOT, 'notebooks');
    const seen: string[] = [];
    for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.ipynb'))) {
      const nb = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as {
        cells: { cell_type: string; source: string | string[] }[];
      };
      for (const cell of nb.cells) {
        if (cell.cell_type !== 'code') continue;
        const text = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
        for (const m of text.matchAll(
          /import\s+(?:type\s+)?([^;]*?)\s+from\s+'([^']*\/src\/emulator\/[^']*)'/g,
        )) {
          const names = m[1];
          const module = m[2].replace(/^.*\/src\//, 'src/');
          seen.push(`${name}: ${module}`);
          if (name.startsWith('01-')) expect(module, name).to.equal('src/emulator/index');
          else if (name.startsWith('05-')) {
            expect(module, name).to.equal('src/emulator/truth');
            expect(names.replace(/\s+/g, ''), name).to.equal('{DEFAULT_FOLLOWERS_ZERO_SHARE,trueDraws}');
          } else if (name.startsWith('02-')) {
            // The bots section's truth: the generator rebuilt from the snapshot's settings.
            expect(module, name).to.equal('src/emulator/index');
            expect(names.replace(/\s+/g, ''), name).to.equal('{CommunityGenerator}');
          } else expect.fail(`${name} imports ${module}`);
        }
      }
    }
    expect(seen.some((s) => s.startsWith('01-'))).to.equal(true);
  });
});
