import { expect } from 'chai';
import { ACTIVE, BANNED, DELETED, HIDDEN, INACTIVE } from '../../src/audit/status';
import { becameBetween, churn, sankeyData, transitionRows } from '../../src/compare/churn';
import type { MemberSet } from '../../src/compare/member-set';

const set = (key: string, rows: [number, number][]): MemberSet => ({
  key,
  ids: Int32Array.from(rows.map((r) => r[0])),
  codes: Uint8Array.from(rows.map((r) => r[1])),
});

describe('compare: one community over time', () => {
  const older = set('old', [
    [1, ACTIVE],
    [2, ACTIVE],
    [3, INACTIVE],
    [4, HIDDEN],
    [5, ACTIVE], // leaves
    [6, DELETED], // leaves
    [8, ACTIVE],
  ]);
  const newer = set('new', [
    [1, ACTIVE],
    [2, INACTIVE],
    [3, BANNED],
    [4, HIDDEN],
    [7, BANNED], // joined, banned since
    [8, DELETED],
    [9, ACTIVE], // joined
  ]);

  it('counts joined, left and stayed exactly, with the stayers’ transitions', () => {
    const c = churn(older, newer);
    expect([c.joined, c.left, c.stayed]).to.deep.equal([2, 2, 5]);
    expect(c.transitions[ACTIVE * 5 + INACTIVE]).to.equal(1);
    expect(c.transitions[INACTIVE * 5 + BANNED]).to.equal(1);
    expect(c.transitions[ACTIVE * 5 + DELETED]).to.equal(1);
    expect(c.leftByStatus[ACTIVE]).to.equal(1);
    expect(c.leftByStatus[DELETED]).to.equal(1);
    expect(c.joinedByStatus[BANNED]).to.equal(1);
    expect(becameBetween(c, BANNED)).to.deep.equal({ stayers: 1, joiners: 1, total: 2 });
    expect(becameBetween(c, DELETED)).to.deep.equal({ stayers: 1, joiners: 0, total: 1 });
    const rows = transitionRows(c);
    expect(rows).to.have.length(25);
    const r = rows.find((x) => x.from === 'active' && x.to === 'inactive')!;
    expect(r.count).to.equal(1);
    expect(r.share_of_from).to.be.closeTo(1 / 3, 1e-12);
  });

  it('Sankey data: every member of either snapshot flows once', () => {
    const c = churn(older, newer);
    const s = sankeyData(c);
    const into = (label: string, side: string): number => {
      const k = s.nodes.findIndex((n) => n.label === label && n.side === side);
      return s.links.filter((l) => l.target === k || l.source === k).reduce((n, l) => n + l.value, 0);
    };
    const total = s.links.reduce((n, l) => n + l.value, 0);
    expect(total).to.equal(c.stayed + c.left + c.joined);
    expect(into('left', 'after')).to.equal(2);
    expect(into('not yet a member', 'before')).to.equal(2);
    expect(into('banned', 'after')).to.equal(2);
    expect(s.links.every((l) => l.value > 0)).to.equal(true);
  });
});
