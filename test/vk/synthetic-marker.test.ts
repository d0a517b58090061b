import { expect } from 'chai';
import {
  formatSyntheticMarker,
  parseSyntheticMarker,
  sharesText,
  SYNTHETIC_MARKER,
} from '../../src/vk/synthetic-marker';

describe('vk/synthetic-marker: the generator settings in the emulator community’s description', () => {
  it('reads back exactly what the emulator writes', () => {
    for (const s of [
      { seed: 7, members: 5000, bot_share: 0.03, followers_zero_share: 0 },
      { seed: -2, members: 1, bot_share: 0.125, followers_zero_share: 1e-7 },
    ])
      expect(parseSyntheticMarker(formatSyntheticMarker(s))).to.deep.equal(s);
  });

  it('a marker without the shares leaves them out (the generator defaults hold); no marker is no synthetic source', () => {
    expect(parseSyntheticMarker(`${SYNTHETIC_MARKER} seed=7 members=5000`)).to.deep.equal({
      seed: 7,
      members: 5000,
    });
    expect(parseSyntheticMarker(`${SYNTHETIC_MARKER} seed=7`)).to.deep.equal({ seed: 7, members: NaN });
    expect(parseSyntheticMarker('RIA Novosti: news')).to.equal(null);
    expect(parseSyntheticMarker(undefined)).to.equal(null);
    // A key is a whole word: `xseed=` or `bot_share=abc` says nothing.
    expect(parseSyntheticMarker(`${SYNTHETIC_MARKER} xseed=3 members=9 bot_share=abc`)).to.deep.equal({
      seed: NaN,
      members: 9,
    });
  });

  it('names the shares it knows, in words', () => {
    expect(sharesText({ seed: 1, members: 2, bot_share: 0.03, followers_zero_share: 0.3 })).to.equal(
      '3% bots, 30% structural zeros in followers',
    );
    expect(sharesText({ seed: 1, members: 2 })).to.equal('');
  });
});
