import { expect } from 'chai';
import { DEFAULT_REQUESTS_PER_SECOND } from '../../src/vk/limiter';
import { MAX_CALLS_PER_EXECUTE, PAGE_SIZE } from '../../src/vk/members';
import { MEMBERS_PER_REQUEST, formatDuration, minPullSeconds } from '../../src/vk/progress';

describe('vk/progress', () => {
  it("the least pull time at VK's limit comes from the pull's own constants", () => {
    expect(MEMBERS_PER_REQUEST)
      .to.equal(MAX_CALLS_PER_EXECUTE * PAGE_SIZE)
      .and.equal(25_000);
    expect(DEFAULT_REQUESTS_PER_SECOND).to.equal(3);
    expect(minPullSeconds(2_500_000)).to.be.closeTo(100 / 3, 1e-12);
    expect(minPullSeconds(25_001)).to.be.closeTo(2 / 3, 1e-12);
    expect(minPullSeconds(1)).to.be.closeTo(1 / 3, 1e-12);
    expect(minPullSeconds(50_000, 1)).to.equal(2);
  });

  it('formats durations', () => {
    expect(formatDuration(37.4)).to.equal('37s');
    expect(formatDuration(125)).to.equal('2m05s');
    expect(formatDuration(7300)).to.equal('2h01m');
    expect(formatDuration(NaN)).to.equal('?');
  });
});
