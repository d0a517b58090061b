#!/usr/bin/env node
// One idempotent setup for a fresh Debian machine with Node 20 (and fast when done):
//   1. npm dependencies (`npm ci` when node_modules is missing or older than package-lock.json)
//   2. Jupyter from Debian packages when `jupyter nbconvert` is missing (root only; clear message otherwise)
//   3. [--for-tests] Debian's chromium (browser checks) and jupyter-notebook (the live-server check), when missing
//   4. the tslab kernel registered project-locally (.jupyter/, absolute binary path; nothing global)
//   5. the TypeScript build the notebooks import (dist/)
// Usage: node scripts/setup.js [--for-tests] [--skip-build]
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const JUPYTER = '/usr/bin/jupyter';
// Debian's python3, which has jupyter_client; the pyenv `python3` on PATH may not.
const PYTHON = '/usr/bin/python3';
const CHROMIUM = '/usr/bin/chromium';
const NOTEBOOK_SERVER = '/usr/bin/jupyter-notebook';
const JUPYTER_PACKAGES = ['jupyter-nbconvert', 'jupyter-client', 'python3-ipykernel'];
const args = new Set(process.argv.slice(2));

function step(msg) {
  console.log(`setup: ${msg}`);
}
function fail(msg) {
  console.error(`setup: error: ${msg}`);
  process.exit(1);
}

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) fail(`could not run ${cmd}: ${r.error.message}`);
  return r.status === 0;
}

function quiet(cmd, argv) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', cwd: root });
  return r.status === 0 ? (r.stdout || '').trim() : null;
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  // require(esm) for arquero and chai needs Node 20.19+ (docs/toolchain.md).
  if (major < 20 || (major === 20 && minor < 19))
    fail(`Node ${process.versions.node} is too old: install Node 20.19 or newer.`);
}

function npmDependencies() {
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  const upToDate =
    fs.existsSync(installed) &&
    fs.existsSync(path.join(root, 'node_modules', '.bin', 'tslab')) &&
    fs.statSync(installed).mtimeMs >= fs.statSync(lock).mtimeMs;
  if (upToDate) {
    step('npm dependencies: up to date');
    return;
  }
  step('npm dependencies: running npm ci');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  if (!run(npm, ['ci', '--no-audit', '--no-fund'])) fail('`npm ci` failed (see above).');
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

let aptUpdated = false;
function aptInstall(packages, why) {
  if (!fs.existsSync('/usr/bin/apt-get'))
    fail(
      `${why} is missing and this is not a Debian/Ubuntu system: install ${packages.join(', ')} (or equivalents) yourself.`,
    );
  if (!isRoot()) {
    fail(
      `${why} is missing and installing it needs root. Run as root, or ask an administrator to run:\n  apt-get update && apt-get install -y ${packages.join(' ')}\nthen run this command again.`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    step('apt-get update');
    if (!run('apt-get', ['update'], { env }))
      fail('`apt-get update` failed (see above): check the network or the apt sources.');
    aptUpdated = true;
  }
  step(`apt-get install ${packages.join(' ')}`);
  if (!run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env }))
    fail(`installing ${packages.join(', ')} failed (see above).`);
}

function jupyter() {
  const version = fs.existsSync(JUPYTER) ? quiet(JUPYTER, ['nbconvert', '--version']) : null;
  const haveKernelSupport =
    fs.existsSync(PYTHON) && quiet(PYTHON, ['-c', 'import jupyter_client, ipykernel']) !== null;
  if (version !== null && haveKernelSupport) {
    step(`Jupyter: nbconvert ${version} present`);
    return;
  }
  aptInstall(JUPYTER_PACKAGES, 'Jupyter (jupyter nbconvert)');
  if (quiet(JUPYTER, ['nbconvert', '--version']) === null)
    fail(`${JUPYTER} nbconvert still does not run after installing ${JUPYTER_PACKAGES.join(', ')}.`);
}

function chromium() {
  const missing = [];
  if (fs.existsSync(CHROMIUM)) step('chromium: present');
  else missing.push('chromium');
  if (fs.existsSync(NOTEBOOK_SERVER)) step('jupyter-notebook: present');
  else missing.push('jupyter-notebook');
  if (missing.length)
    aptInstall(missing, `${missing.join(' and ')} (for the end-to-end browser and live-notebook checks)`);
}

function kernel() {
  const binary = path.join(root, 'node_modules', '.bin', 'tslab');
  const prefix = path.join(root, '.jupyter');
  const spec = path.join(prefix, 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json');
  if (fs.existsSync(spec)) {
    try {
      if (JSON.parse(fs.readFileSync(spec, 'utf8')).argv[0] === binary) {
        step('tslab kernel: registered in .jupyter/');
        return;
      }
    } catch {
      /* unreadable: register again */
    }
  }
  step('tslab kernel: registering in .jupyter/ (project-local)');
  // Absolute --binary (a relative one breaks: tslab #48) and a project prefix: nothing global.
  if (!run(binary, ['install', `--python=${PYTHON}`, `--binary=${binary}`, `--prefix=${prefix}`]))
    fail('`tslab install` failed (see above).');
  if (!fs.existsSync(spec)) fail(`tslab install did not write ${path.relative(root, spec)}.`);
}

function build() {
  step('TypeScript build (dist/, imported by the notebooks)');
  // run-cli.js rebuilds only when a .ts source is newer than the last build: fast when done.
  if (!run(process.execPath, [path.join(root, 'scripts', 'run-cli.js'), '--build-only']))
    fail('the TypeScript build failed (see above).');
}

checkNode();
npmDependencies();
jupyter();
if (args.has('--for-tests')) chromium();
kernel();
if (!args.has('--skip-build')) build();
step('ready');
