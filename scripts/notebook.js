#!/usr/bin/env node
// Notebook authoring aid. .ipynb JSON is awkward to edit and to diff, so:
//   node scripts/notebook.js unpack notebooks/02-status.ipynb [out.ts]   -> readable percent-format source
//   node scripts/notebook.js pack src.ts notebooks/02-status.ipynb       -> ipynb (tslab kernel, no outputs)
//   node scripts/notebook.js strip [files...]   -> remove outputs/execution counts in place (default: notebooks/*.ipynb)
//   node scripts/notebook.js check [files...]   -> exit 1 if a notebook has outputs or is not on the tslab kernel
// Percent format (as jupytext writes TypeScript): a line `// %%` starts a code cell,
// `// %% [markdown]` a markdown cell whose lines are written as `// text`.
'use strict';
const fs = require('fs');
const path = require('path');
const { createHash } = require('node:crypto');

const root = path.resolve(__dirname, '..');
const KERNELSPEC = { name: 'tslab', display_name: 'TypeScript', language: 'typescript' };
const LANGUAGE_INFO = {
  name: 'typescript',
  file_extension: '.ts',
  mimetype: 'text/typescript',
  version: '5.0',
};

function sourceLines(text) {
  const lines = text.split('\n');
  return lines
    .map((l, i) => (i < lines.length - 1 ? l + '\n' : l))
    .filter((l, i, a) => !(i === a.length - 1 && l === ''));
}

function cellId(notebookName, index) {
  // Stable ids keep diffs quiet when a notebook is re-packed.
  return createHash('sha1').update(`${notebookName}:${index}`).digest('hex').slice(0, 8);
}

function parsePercent(text, notebookName) {
  const cells = [];
  let current = null;
  const flush = () => {
    if (!current) return;
    while (current.lines.length && current.lines[current.lines.length - 1].trim() === '') current.lines.pop();
    while (current.lines.length && current.lines[0].trim() === '') current.lines.shift();
    cells.push(current);
    current = null;
  };
  for (const line of text.split('\n')) {
    const m = /^\/\/ %%(?:\s*\[(markdown|md)\])?\s*$/.exec(line);
    if (m) {
      flush();
      current = { type: m[1] ? 'markdown' : 'code', lines: [] };
      continue;
    }
    if (!current) {
      if (line.trim() === '') continue;
      throw new Error(`${notebookName}: text before the first "// %%" cell marker: "${line}"`);
    }
    if (current.type === 'markdown') {
      if (line.trim() !== '' && !/^\/\/( |$)/.test(line)) {
        throw new Error(`${notebookName}: markdown lines must start with "// ": "${line}"`);
      }
      current.lines.push(line.replace(/^\/\/ ?/, ''));
    } else current.lines.push(line);
  }
  flush();
  return cells.map((c, i) => {
    const base = {
      id: cellId(notebookName, i),
      cell_type: c.type,
      metadata: {},
      source: sourceLines(c.lines.join('\n')),
    };
    return c.type === 'code' ? { ...base, execution_count: null, outputs: [] } : base;
  });
}

function pack(src, out) {
  const name = path.basename(out, '.ipynb');
  const nb = {
    cells: parsePercent(fs.readFileSync(src, 'utf8'), name),
    metadata: { kernelspec: KERNELSPEC, language_info: LANGUAGE_INFO },
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeAtomic(out, JSON.stringify(nb, null, 1) + '\n');
}

function unpack(file) {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8'));
  const parts = nb.cells.map((c) => {
    const text = Array.isArray(c.source) ? c.source.join('') : c.source;
    if (c.cell_type === 'markdown')
      return (
        '// %% [markdown]\n' +
        text
          .split('\n')
          .map((l) => (l ? '// ' + l : '//'))
          .join('\n')
      );
    return '// %%\n' + text;
  });
  return parts.join('\n\n') + '\n';
}

function strip(file) {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8'));
  let changed = false;
  for (const c of nb.cells) {
    if (c.cell_type !== 'code') continue;
    if ((c.outputs && c.outputs.length) || c.execution_count !== null) changed = true;
    c.outputs = [];
    c.execution_count = null;
  }
  if (changed) writeAtomic(file, JSON.stringify(nb, null, 1) + '\n');
  return changed;
}

function problems(file) {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8'));
  const out = [];
  if (nb.metadata?.kernelspec?.name !== 'tslab') out.push('kernelspec is not "tslab"');
  nb.cells.forEach((c, i) => {
    if (c.cell_type === 'code' && ((c.outputs && c.outputs.length) || c.execution_count !== null)) {
      out.push(
        `cell ${i} has stored outputs (run: node scripts/notebook.js strip ${path.relative(root, file)})`,
      );
    }
  });
  return out;
}

function writeAtomic(file, text) {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function defaultNotebooks() {
  const dir = path.join(root, 'notebooks');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb'))
    .sort()
    .map((f) => path.join(dir, f));
}

function main(argv) {
  const [cmd, ...args] = argv;
  switch (cmd) {
    case 'pack':
      if (args.length !== 2) throw new Error('usage: notebook.js pack <source.ts> <notebook.ipynb>');
      pack(args[0], args[1]);
      return 0;
    case 'unpack': {
      if (args.length < 1) throw new Error('usage: notebook.js unpack <notebook.ipynb> [out.ts]');
      const text = unpack(args[0]);
      if (args[1]) writeAtomic(args[1], text);
      else process.stdout.write(text);
      return 0;
    }
    case 'strip':
      for (const f of args.length ? args : defaultNotebooks())
        if (strip(f)) console.log(`stripped ${path.relative(root, f)}`);
      return 0;
    case 'check': {
      let bad = 0;
      for (const f of args.length ? args : defaultNotebooks()) {
        for (const p of problems(f)) {
          console.error(`${path.relative(root, f)}: ${p}`);
          bad++;
        }
      }
      return bad ? 1 : 0;
    }
    default:
      console.error(
        'usage: notebook.js pack|unpack|strip|check ... (see the comment at the top of scripts/notebook.js)',
      );
      return 2;
  }
}

if (require.main === module) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (err) {
    console.error(`error: ${err.message}`);
    process.exit(1);
  }
}
module.exports = { parsePercent, unpack, problems };
