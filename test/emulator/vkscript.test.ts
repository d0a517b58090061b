import { expect } from 'chai';
import { runVKScriptFast } from '../../src/emulator/fast/interpreter';
import { VKScriptHost, runVKScript } from '../../src/emulator/vkscript/evaluate';
import { valueToJson } from '../../src/emulator/vkscript/json';
import { MAX_NESTING, parseVKScript } from '../../src/emulator/vkscript/parser';
import {
  MAX_VALUE_DEPTH,
  Value,
  VKScriptCompileError,
  VKScriptRuntimeError,
  fromPlain,
} from '../../src/emulator/vkscript/values';
import { vkApiExecuteCode, vkApiOldExecuteCode, vkIoExecuteCode } from './helpers';

/** A fake API: a list of `total` ids served in pages, recording every call. */
function fakeHost(
  total: number,
  args: Record<string, string> = {},
): VKScriptHost & { calls: Map<string, string>[] } {
  const calls: Map<string, string>[] = [];
  return {
    calls,
    args: (name) => args[name] ?? null,
    callApi: (method, params) => {
      expect(method).to.equal('groups.getMembers');
      calls.push(params);
      const offset = Number(params.get('offset') ?? 0);
      const count = Math.min(1000, Number(params.get('count') ?? 1000));
      const items: Value[] = [];
      for (let i = offset; i < Math.min(total, offset + count); i++) items.push(i + 1);
      return fromPlain({ count: total, items });
    },
  };
}

const json = (v: Value): unknown => JSON.parse(valueToJson(v, () => 'null'));

// Every case on both interpreters: the plain one (vkscript/evaluate.ts) and the one the
// emulator runs (fast/interpreter.ts: in-place appends, one-pass projections).
for (const [kind, runScript] of [
  ['plain', runVKScript],
  ['fast', runVKScriptFast],
] as const) {
  const run = (code: string, host: VKScriptHost = fakeHost(0)): Value => runScript(parseVKScript(code), host);

  describe(`emulator / VKScript interpreter (${kind})`, () => {
    it("runs vk-io's collect loop: 25 calls, offsets advance, items concatenated", () => {
      const host = fakeHost(30_000, { offset: '0', received: '0' });
      const out = json(
        run(
          vkIoExecuteCode('groups.getMembers', { group_id: 'x', count: 1000, fields: ['sex', 'city'] }, 25),
          host,
        ),
      ) as {
        total: number;
        items: number[];
      };
      expect(host.calls).to.have.length(25);
      expect(host.calls.map((c) => Number(c.get('offset')))).to.deep.equal(
        Array.from({ length: 25 }, (_, i) => i * 1000),
      );
      expect(host.calls[0].get('fields')).to.equal('sex,city');
      expect(out.total).to.equal(30_000);
      expect(out.items).to.have.length(25_000);
      expect(out.items[0]).to.equal(1);
      expect(out.items[24_999]).to.equal(25_000);
    });

    it("vk-io's loop stops at the end of the list and resumes from Args.offset", () => {
      const host = fakeHost(2_500, { offset: '2000', received: '2000', total: '2500' });
      const out = json(
        run(vkIoExecuteCode('groups.getMembers', { group_id: 'x', count: 1000 }, 25), host),
      ) as {
        items: number[];
      };
      expect(host.calls).to.have.length(1);
      expect(out.items).to.deep.equal(Array.from({ length: 500 }, (_, i) => 2001 + i));
    });

    it("runs python vk_api's get_all_iter script (ternary, slice, calls = 99 exit)", () => {
      const host = fakeHost(3_500);
      const out = json(
        run(vkApiExecuteCode('groups.getMembers', { group_id: 'x', count: 1000 }, null, 0), host),
      ) as {
        count: number;
        items: number[];
        offset: number;
        more: boolean;
      };
      expect(host.calls).to.have.length(4);
      expect(out.count).to.equal(3_500);
      expect(out.items).to.have.length(3_500);
      expect(out.offset).to.equal(4_000);
      expect(out.more).to.equal(false);
    });

    it('runs the older vk_api script (object merge with +, [key] on a call result)', () => {
      const host = fakeHost(2_200);
      const out = json(run(vkApiOldExecuteCode('groups.getMembers', { group_id: 'x' }, 1000, 0), host)) as {
        count: number;
        items: number[];
      };
      expect(host.calls).to.have.length(3);
      expect(host.calls[0].get('group_id')).to.equal('x');
      expect(host.calls[0].get('count')).to.equal('1000');
      expect(out.items).to.have.length(2_200);
    });

    it('rejects syntax outside the subset as compile errors', () => {
      for (const code of [
        'for (var i = 0; i < 3; i++) {}',
        'function f() {}',
        'return 1 +;',
        'var = 3;',
        'return "abc',
        'return a b;',
      ]) {
        expect(() => parseVKScript(code), code).to.throw(VKScriptCompileError);
      }
    });

    it('refuses code nested past MAX_NESTING as a compile error, and runs code nested up to it', () => {
      const deep = (n: number): Record<string, string> => ({
        parentheses: `return ${'('.repeat(n)}1${')'.repeat(n)};`,
        arrays: `return ${'['.repeat(n)}${']'.repeat(n)};`,
        objects: `return ${'{"a":'.repeat(n)}1${'}'.repeat(n)};`,
        'a + chain': `return 1${' + 1'.repeat(n)};`,
        'a ?: chain': `return ${'1 ? '.repeat(n)}1${' : 1'.repeat(n)};`,
        'an assignment chain': `var a; return ${'a = '.repeat(n)}1;`,
        'a property chain': `var a = {}; return a${'.b'.repeat(n)};`,
        'unary operators': `return ${'!'.repeat(n)}1;`,
        blocks: `${'{'.repeat(n)}${'}'.repeat(n)} return 1;`,
        'if statements': `${'if (1) '.repeat(n)}return 1;`,
      });
      for (const [what, code] of Object.entries(deep(50_000)))
        expect(() => parseVKScript(code), what).to.throw(VKScriptCompileError, /nested too deeply/);
      // Nesting well below the limit parses and runs (no stack overflow in the interpreter).
      for (const [what, code] of Object.entries(deep(MAX_NESTING / 2 - 4)))
        expect(() => run(code), what).not.to.throw();
    });

    it('refuses values nested past MAX_VALUE_DEPTH (a = [a] in a loop, an array inside itself) as a runtime error', () => {
      const nest = (n: number): string =>
        `var a = []; var i = 0; while (i < ${n}) { a = [a]; i = i + 1; } return a;`;
      expect(() => json(run(nest(50_000)))).to.throw(VKScriptRuntimeError, /nested too deeply/);
      expect(() => json(run('var a = []; a.push(a); return a;'))).to.throw(
        VKScriptRuntimeError,
        /nested too deeply/,
      );
      expect(() => json(run('var o = {}; o.x = o; return o;'))).to.throw(
        VKScriptRuntimeError,
        /nested too deeply/,
      );
      expect(() => run(`${nest(50_000).replace('return a;', '')} return a.join(",");`)).to.throw(
        VKScriptRuntimeError,
        /nested too deeply/,
      );
      let want: unknown = [];
      for (let i = 0; i < MAX_VALUE_DEPTH - 2; i++) want = [want];
      expect(json(run(nest(MAX_VALUE_DEPTH - 2)))).to.deep.equal(want);
    });

    it('never evaluates host JavaScript: globals and prototypes are out of reach', () => {
      expect(() => run('return process.exit(1);')).to.throw(VKScriptRuntimeError, /process is not defined/);
      expect(() => run('return require("fs");')).to.throw(VKScriptRuntimeError, /require/);
      expect(json(run('var o = {}; return [o.constructor, o.__proto__, "x".constructor];'))).to.deep.equal([
        null,
        null,
        null,
      ]);
      expect(() => run('return [].constructor("x");')).to.throw(VKScriptRuntimeError, /unknown method/);
    });

    it('stops scripts that make more than 25 API calls or loop forever', () => {
      expect(() =>
        run(
          'var i = 0; while (i < 26) { API.groups.getMembers({offset: i * 1000}); i = i + 1; } return 1;',
          fakeHost(100_000),
        ),
      ).to.throw(VKScriptRuntimeError, /too many API calls/);
      expect(() =>
        runScript(parseVKScript('var i = 0; while (true) { i = i + 1; }'), fakeHost(0), {
          maxApiCalls: 25,
          maxSteps: 10_000,
        }),
      ).to.throw(VKScriptRuntimeError, /too many operations/);
      // Doubling loops hit the size guards, not the emulator's memory.
      expect(() => run('var a = [1]; while (true) { a = a + a; }')).to.throw(
        VKScriptRuntimeError,
        /array too large/,
      );
      expect(() => run('var a = [1]; var b = a; while (true) { b = b + [0]; a = b; b = a + a; }')).to.throw(
        VKScriptRuntimeError,
        /array too large/,
      );
      expect(() => run('var s = "ab"; while (true) { s = s + s; }')).to.throw(
        VKScriptRuntimeError,
        /string too long/,
      );
    });

    it('implements the operators paging code relies on', () => {
      expect(
        json(run('return [1 + 2 * 3, 7 % 4, -2 - 1, 10 / 4, "a" + 1, [1] + [2, 3], [] + 4];')),
      ).to.deep.equal([7, 3, -3, 2.5, 'a1', [1, 2, 3], [4]]);
      expect(
        json(
          run(
            'return [1 == "1", 1 === "1", null == null, !0, 2 < 10, "2" < "10", 1 && 0, 0 || 5, true ? 1 : 2];',
          ),
        ),
      ).to.deep.equal([true, false, true, true, true, false, 0, 5, 1]);
      expect(
        json(
          run(
            'var a = [1,2,3,4,5]; var b = a.splice(0, 2); return [a, b, a.slice(1), a.slice(-1), a.length, "abc".length];',
          ),
        ),
      ).to.deep.equal([[3, 4, 5], [1, 2], [4, 5], [5], 3, 3]);
      expect(json(run('var u = [{id: 1}, {id: 2}]; return u@.id;'))).to.deep.equal([1, 2]);
      expect(json(run('var x = {a: 1} + {b: 2, a: 3}; x.c = 4; x["d"] = 5; return x;'))).to.deep.equal({
        a: 3,
        b: 2,
        c: 4,
        d: 5,
      });
      expect(json(run('var i = 0\ni += 2\ni++\nreturn i'))).to.equal(3);
      expect(json(run('return parseInt(Args.missing) + parseInt("12abc");'))).to.equal(12);
      expect(json(run('// comment\n/* block */ return "\\u0416\\n";'))).to.equal('Ж\n');
    });

    it('appending to an array in place never changes what an alias sees', () => {
      expect(
        json(run('var a = []; var i = 0; while (i < 3) { a = a + [i]; i = i + 1; } return a;')),
      ).to.deep.equal([0, 1, 2]);
      expect(json(run('var a = [1]; var b = a; a = a + [2]; return [a, b];'))).to.deep.equal([[1, 2], [1]]);
      // An assignment's value is an alias too.
      expect(json(run('var a = []; var b = (a = [1]); a = a + [2]; return [a, b];'))).to.deep.equal([
        [1, 2],
        [1],
      ]);
      expect(json(run('var a = [1]; a = a + a; return a;'))).to.deep.equal([1, 1]);
      expect(json(run('var a = [1]; var o = {k: a}; a = a + [2]; return [o.k, a];'))).to.deep.equal([
        [1],
        [1, 2],
      ]);
      expect(json(run('var a = [1]; a += [2]; a = a + 3; a = a + null; return a;'))).to.deep.equal([1, 2, 3]);
      expect(
        json(run('var a = [1]; a = a + [a.length]; var c = a; a = a + [9]; return [a, c];')),
      ).to.deep.equal([
        [1, 1, 9],
        [1, 1],
      ]);
      expect(json(run('var a = [[1]]; var x = a@.length; a = a + [[2]]; return [a, x];'))).to.deep.equal([
        [[1], [2]],
        [1],
      ]);
    });

    it('appending a projection in place (col = col + list@.a@.b) keeps copying semantics and step counts', () => {
      const users = '[{id: 1, c: {t: "x"}}, {id: 2}, {id: 3, c: {t: 4}}, 5, null]';
      expect(
        json(run(`var u = ${users}; var a = []; a = a + u@.id; a = a + u@.c@.t; a += u@.id; return a;`)),
      ).to.deep.equal([1, 2, 3, null, null, 'x', null, 4, null, null, 1, 2, 3, null, null]);
      // The projected list reads the column itself: the old array stays as an alias saw it.
      expect(json(run('var a = [[1], [2, 3]]; var b = a; a = a + a@.length; return [a, b];'))).to.deep.equal([
        [[1], [2, 3], 1, 2],
        [[1], [2, 3]],
      ]);
      expect(json(run('var a = [[1]]; a = a + a@.length; a = a + [7]; return a;'))).to.deep.equal([
        [1],
        1,
        7,
      ]);
      // A projection of something that is not a list is null: nothing appended.
      expect(
        json(run('var a = [1]; var r = false; a = a + r.items@.id; a = a + r@.id@.x; return a;')),
      ).to.deep.equal([1]);
      expect(json(run('var a = [1]; var b = a; a = a + a.x@.id; return [a, b];'))).to.deep.equal([[1], [1]]);
      // Pages kept aside are part of the column whenever it is read: by the right side itself
      // (which may change it), through an assignment's value, and past the page bound.
      expect(
        json(
          run(
            'var u = [{id: 1}, {id: 2}]; var a = []; a = a + u@.id; a = a + [a.push(7)]; a = a + u@.id; return a;',
          ),
        ),
      ).to.deep.equal([1, 2, 7, 3, 1, 2]);
      // (Before the pages, the assignment's value stayed owned by `a`: `b` saw the later append.)
      expect(
        json(
          run(
            'var u = [{id: 1}, {id: 2}]; var a = []; var b = (a = a + u@.id); a = a + u@.id; return [a, b];',
          ),
        ),
      ).to.deep.equal([
        [1, 2, 1, 2],
        [1, 2],
      ]);
      const many = json(
        run(
          'var u = [{id: 1}, {id: 2}]; var a = [0]; var i = 0; while (i < 150) { a = a + u@.id; i = i + 1; } return a;',
        ),
      ) as number[];
      expect(many).to.have.length(301);
      expect(many.slice(0, 3).concat(many.slice(-2))).to.deep.equal([0, 1, 2, 1, 2]);
      // Up to the step limit, in linear time (pages are copied in place, not re-concatenated):
      // the fast interpreter's promise (the plain one copies, quadratically).
      if (kind === 'fast') {
        const t0 = performance.now();
        expect(() =>
          run('var u = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]; var a = []; while (true) { a = a + u@.x; }'),
        ).to.throw(VKScriptRuntimeError, /too many operations/);
        expect(() =>
          run(
            'var u = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]; var a = []; while (true) { a = a + u@.x; a = a + [1]; }',
          ),
        ).to.throw(VKScriptRuntimeError, /too many operations/);
        expect(performance.now() - t0, 'milliseconds for two runs to the step limit').to.be.below(20_000);
      }
      // The smallest limits these loops finish under. The fast interpreter counts the steps
      // evaluating the projection and the `+` would, as the emulator has counted them since
      // before the in-place projection (main at f47c045); it does not read the appended-to
      // variable, so the plain interpreter counts one step more per in-place append.
      const loops: [string, number, number][] = [
        ['x = x + u@.a@.b;', 819, 869],
        ['var y = x; x = y + u@.a@.b;', 969, 969],
        ['x += u@.a;', 719, 769],
        ['x = x + false@.a;', 769, 819],
      ];
      const limit = (fast: number, plain: number): number => (kind === 'fast' ? fast : plain);
      // 150 appends: past the page bound (64).
      const past =
        'var u = [{id: 1}, {id: 2}]; var a = []; var i = 0; while (i < 150) { a = a + u@.id; i = i + 1; } return [a.length, a[0], a[299]];';
      const pastLimit = limit(2274, 2424);
      expect(
        runScript(parseVKScript(past), fakeHost(0), { maxApiCalls: 25, maxSteps: pastLimit }),
      ).to.satisfy((v: Value) => Array.isArray(v));
      expect(() =>
        runScript(parseVKScript(past), fakeHost(0), { maxApiCalls: 25, maxSteps: pastLimit - 1 }),
      ).to.throw(VKScriptRuntimeError, /too many operations/);
      for (const [body, fast, plain] of loops) {
        const want = limit(fast, plain);
        const code = `var u = [{a: {b: 1}}, {a: {b: 2}}]; var x = []; var i = 0; while (i < 50) { ${body} i = i + 1; } return x.length;`;
        const finishes = (maxSteps: number): boolean => {
          try {
            runScript(parseVKScript(code), fakeHost(0), { maxApiCalls: 25, maxSteps });
            return true;
          } catch (e) {
            expect((e as Error).message).to.match(/too many operations/);
            return false;
          }
        };
        expect([finishes(want - 1), finishes(want)], body).to.deep.equal([false, true]);
      }
    });

    it('reads a property of false/null as null (a failed inner call) instead of crashing', () => {
      const host: VKScriptHost = { args: () => null, callApi: () => false };
      expect(
        json(run('var r = API.groups.getMembers({}); return [r, r.items, r.items.length];', host)),
      ).to.deep.equal([false, null, null]);
    });
  });
}
