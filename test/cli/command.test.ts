import { expect } from 'chai';
import {
  EXIT,
  HelpRequested,
  SetupError,
  UsageError,
  decimalNumber,
  defineCommand,
  oneOf,
  outputFile,
  outputFileProblem,
  runCommand,
  wholeNumber,
} from '../../src/cli/command';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EnvError } from '../../src/util/env';

class DamagedInput extends Error {}

const cmd = defineCommand({
  name: 'demo',
  synopsis: '--in FILE [options]',
  about: 'A command for the tests.',
  options: {
    in: { type: 'string', value: 'FILE', required: true, help: 'input file' },
    n: { type: 'string', value: 'N', read: wholeNumber({ min: 1, max: 9 }), help: 'a count\nsecond line' },
    rate: {
      type: 'string',
      value: 'X',
      read: decimalNumber({ min: 0, max: 1, exclusive: true }),
      help: 'a rate',
    },
    mode: { type: 'string', value: 'M', read: oneOf(['fast', 'slow']), help: 'a mode' },
    tag: { type: 'string', value: 'T', multiple: true, help: 'repeatable' },
    quiet: { type: 'boolean', help: 'say less' },
  },
  sections: [{ title: 'environment', lines: ['DEMO_X   something'] }],
  exits: [
    [EXIT.OK, 'done'],
    [EXIT.FAILED, 'unexpected error'],
    [EXIT.USAGE, 'usage'],
    [EXIT.DATA, 'damaged input'],
  ],
  errors: [[DamagedInput, EXIT.DATA]],
});

function run(argv: string[], body: () => unknown = () => undefined, env = {}) {
  let out = '';
  let err = '';
  return runCommand(cmd, argv, body as () => void, {
    env,
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
  }).then((code) => ({ code, out, err }));
}

describe('cli/command', () => {
  it('parses values typed by their declaration', () => {
    const v = cmd.parse([
      '--in',
      'a.csv',
      '--n=3',
      '--rate',
      '0.5',
      '--mode',
      'slow',
      '--tag',
      'x',
      '--tag=y',
      '--quiet',
    ]);
    expect(v).to.deep.equal({ in: 'a.csv', n: 3, rate: 0.5, mode: 'slow', tag: ['x', 'y'], quiet: true });
    expect(cmd.parse(['--in', 'b', '--in', 'c'])).to.deep.include({
      in: 'c',
      n: undefined,
      tag: [],
      quiet: false,
    });
    expect(cmd.parse(['--in', 'b', '--n', ' 9 ']).n).to.equal(9);
  });

  it('names the option in every usage error', () => {
    const fails = (argv: string[], re: RegExp) => expect(() => cmd.parse(argv)).to.throw(UsageError, re);
    fails([], /^missing --in$/);
    fails(['--in', 'a', '--n', 'two'], /^--n needs a whole number from 1 to 9, got "two"$/);
    fails(['--in', 'a', '--n', '10'], /--n needs a whole number from 1 to 9, got "10"/);
    fails(['--in', 'a', '--n', '2.5'], /--n needs a whole number/);
    fails(['--in', 'a', '--rate', '1'], /^--rate needs a number in \(0, 1\), got "1"$/);
    fails(['--in', 'a', '--mode', 'medium'], /^--mode must be one of fast, slow, got "medium"$/);
    fails(['--in', 'a', '--bogus'], /^unknown option "--bogus"$/);
    fails(['--in', 'a', '-x'], /^unknown option "-x"$/);
    fails(['--in', 'a', 'stray'], /^unexpected argument "stray"$/);
    fails(['--in'], /^--in needs a value$/);
    fails(['--in', '--quiet'], /^--in needs a value$/);
    fails(['--in', 'a', '--quiet=yes'], /^--quiet takes no value, got "yes"$/);
  });

  it('refuses an output file that cannot be written before any work', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vkas-out-'));
    try {
      const file = path.join(dir, 'a.json');
      fs.writeFileSync(file, '{}');
      expect(outputFileProblem(path.join(dir, 'new', 'deeper', 'b.json'))).to.equal(null);
      expect(outputFileProblem(file)).to.equal(null);
      expect(outputFileProblem(dir)).to.equal('is a folder: give a file path');
      expect(outputFileProblem(path.join(file, 'c.json'))).to.equal(
        `cannot be created: ${file} is not a folder`,
      );
      const read = outputFile();
      expect(read('rel/out.json', '--json')).to.equal('rel/out.json');
      expect(() => read(dir, '--json')).to.throw(
        UsageError,
        `--json ${JSON.stringify(dir)} is a folder: give a file path`,
      );
      expect(() => read(' ', '--json')).to.throw(UsageError, '--json needs a file path, got ""');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--help anywhere asks for the usage, which lists options, sections and exit codes', () => {
    expect(() => cmd.parse(['--bogus', '-h'])).to.throw(HelpRequested);
    const u = cmd.usage();
    expect(u).to.match(
      /^usage: npm run demo -- --in FILE \[options\]\n\nA command for the tests\.\n\noptions:\n/,
    );
    expect(u).to.contain('  --n N       a count\n              second line\n');
    expect(u).to.contain('  -h, --help  print this help and exit\n');
    expect(u).to.contain('environment:\n  DEMO_X   something');
    expect(u).to.match(
      /exit codes:\n {2}0 {2}done\n {2}1 {2}unexpected error\n {2}2 {2}usage\n {2}5 {2}damaged input\n$/,
    );
  });

  it('maps errors to the documented exit codes with one sentence, never a stack trace', async () => {
    let r = await run(['--help']);
    expect(r).to.deep.include({ code: 0, err: '' });
    expect(r.out).to.equal(cmd.usage());
    r = await run(['--in', 'a', '--n', 'x']);
    expect(r.code).to.equal(2);
    expect(r.err).to.equal(
      'error: --n needs a whole number from 1 to 9, got "x" (see `npm run demo -- --help`)\n',
    );
    r = await run(['--in', 'a'], () => {
      throw new EnvError('DEMO_X', 'DEMO_X="?" is not a whole number: set DEMO_X to 1 or unset it.');
    });
    expect(r).to.deep.include({
      code: 2,
      err: 'error: DEMO_X="?" is not a whole number: set DEMO_X to 1 or unset it.\n',
    });
    r = await run(['--in', 'a'], () => {
      throw new SetupError('Jupyter is missing: run `npm run setup`.');
    });
    expect(r.code).to.equal(2);
    r = await run(['--in', 'a'], async () => {
      throw new DamagedInput('a is damaged: pull it again.');
    });
    expect(r).to.deep.include({ code: 5, err: 'error: a is damaged: pull it again.\n' });
    r = await run(['--in', 'a'], () => {
      throw new TypeError("Cannot read properties of undefined (reading 'x')");
    });
    expect(r.code).to.equal(1);
    expect(r.err).to.match(
      /^error: Cannot read properties of undefined \(reading 'x'\)\n\(an unexpected TypeError: rerun with DEBUG=1 for the stack trace, and please report it\)\n$/,
    );
    expect(r.err).not.to.match(/\n\s+at /);
    r = await run(
      ['--in', 'a'],
      () => {
        throw new TypeError('boom');
      },
      { DEBUG: '1' },
    );
    expect(r.err).to.match(/^error: boom\nTypeError: boom\n\s+at /);
    r = await run(['--in', 'a'], () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    expect(r).to.deep.include({
      code: 1,
      err: 'error: ENOSPC: no space left on device, write\n(rerun with DEBUG=1 for the stack trace)\n',
    });
    r = await run(['--in', 'a'], () => 3);
    expect(r).to.deep.include({ code: 3, err: '' });
  });

  it('redacts and advises', async () => {
    let err = '';
    const code = await runCommand(
      cmd,
      ['--in', 'a'],
      () => {
        throw new DamagedInput('secret-token in a message');
      },
      {
        redact: (s) => s.split('secret-token').join('[redacted]'),
        advice: (_e, c) => (c === EXIT.DATA ? 'run it again' : undefined),
        stderr: (s) => (err += s),
      },
    );
    expect(code).to.equal(5);
    expect(err).to.equal('error: [redacted] in a message\nrun it again\n');
  });
});
