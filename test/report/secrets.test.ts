import { expect } from 'chai';
import { containsSecret, redact, secretValues } from '../../src/report/secrets';

describe('report/secrets', () => {
  const token = 'vk1.a.abcDEF123_-+/xyz';

  it('takes the VK token from the environment, ignoring empty or very short values', () => {
    expect(secretValues({ VK_TOKEN: ` ${token} ` })).to.deep.equal([token]);
    expect(secretValues({ VK_TOKEN: 'abc' })).to.deep.equal([]);
    expect(secretValues({})).to.deep.equal([]);
  });

  it('redacts every occurrence', () => {
    expect(redact(`a ${token} b ${token}`, [token])).to.equal('a [VK_TOKEN redacted] b [VK_TOKEN redacted]');
    expect(redact('nothing here', [token])).to.equal('nothing here');
  });

  it('finds the token as is, URL-encoded or JSON-escaped', () => {
    expect(containsSecret(`<pre>${token}</pre>`, [token])).to.equal(true);
    expect(containsSecret(`?access_token=${encodeURIComponent(token)}`, [token])).to.equal(true);
    expect(containsSecret(JSON.stringify({ t: 'x"y' + token }), ['x"y' + token])).to.equal(true);
    expect(containsSecret('<pre>VK_TOKEN = set</pre>', [token])).to.equal(false);
    expect(containsSecret('anything', [])).to.equal(false);
  });
});
