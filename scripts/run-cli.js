#!/usr/bin/env node
// Runs a command-line entry point from dist/, rebuilding first when src/ is newer than
// the last build, so `npm run <cmd>` never runs stale code and never pays for a
// needless compile.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'dist', '.build-stamp');

function newestMtime(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function ensureBuild() {
  const sources = Math.max(
    ...['src', 'test', 'bench'].map((d) => newestMtime(path.join(root, d))),
    fs.statSync(path.join(root, 'tsconfig.json')).mtimeMs,
  );
  const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
  if (built >= sources) return;
  // Not node_modules/.bin/tsc: tslab's bundled TypeScript 5.0 also ships a `tsc` bin, and on a
  // fresh `npm ci` that link can win (then `module: node20` is rejected). Use the project's own.
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!fs.existsSync(tsc)) {
    console.error(
      'error: dependencies are not installed. Run `npm ci` (or the setup command in README.md) first.',
    );
    process.exit(1);
  }
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('error: TypeScript build failed (see above); fix the errors and run the command again.');
    process.exit(r.status || 1);
  }
  fs.writeFileSync(stamp, new Date().toISOString() + '\n');
}

const [name, ...args] = process.argv.slice(2);
if (!name) {
  console.error('usage: node scripts/run-cli.js <command> [args...]');
  process.exit(2);
}
ensureBuild();
if (name === '--build-only') process.exit(0);
const entry = path.join(
  root,
  'dist',
  name.startsWith('bench/') ? '' : 'src/cli',
  name.endsWith('.js') ? name : `${name}.js`,
);
if (!fs.existsSync(entry)) {
  console.error(`error: no command "${name}" (looked for ${path.relative(root, entry)}).`);
  process.exit(2);
}
// Run the entry as the main module (require.main === module inside it), exactly as
// `node dist/src/cli/<name>.js` would, so CLIs can guard their main() the usual way.
process.argv = [process.argv[0], entry, ...args];
require('module').runMain();
