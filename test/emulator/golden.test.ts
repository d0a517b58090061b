/**
 * The emulator's answers, byte for byte, for two seeds at the fixed test clock: the
 * community is the study's ground truth (calibration tests, notebooks and the model's
 * known truth rely on it), so serving-speed work must not change a single byte. Golden
 * values were computed by golden.ts (first from the code before the serving-path
 * optimisations; recomputed when the community gained live bots and the `has_mobile` and
 * `status` fields, with the humans' earlier fields checked unchanged). If a hash changes on purpose (a deliberate change to the
 * community or to a VK shape), recompute with `node .build/<x>/test/emulator/golden.js
 * 6000` and say why in the commit message.
 */
import { expect } from 'chai';
import { GoldenHashes, goldenHashes } from './golden';

const MEMBERS = 6000;
const GOLDEN: Record<number, GoldenHashes> = {
  1: {
    records: '0af2687b1fc5cd4a1a09ba50668a6086a68847e0a1b83a9074cea38ae0cc7b4f',
    userJsonBytes_memberFields: '7021b668f262bc2cfcae22d1263da7ccec9b4f58f264f6f8e4d5d27add834759',
    userJsonBytes_allFields: '12be4d737befaffbbfb3df4e090c039157a5561c644decd07a0e586a5bbed43b',
    userJson_allFields_sample: '6dfb4d2a19cf3e16332af84932ca33eb6796ff592efcd218a7ccc3651a156a9e',
    getMembers_memberFields: '78e2dc5ef165e566b02e2a18b9112e929f23d1ccd20171498f0b10efa24b974c',
    getMembers_allFields: '8991c045bcd37476d9743bd59d4a1c5dedd654825757b2f15eba25da9d8873da',
    getMembers_ids: '20554507da519fb38c9325b61e0822318d1292491d6c3cf51585d0380725d93d',
    getMembers_desc: '7d81d1beb477528fadb52bcf0607f88c2d1a39d0f613f39ebe9a30f969e650c5',
    execute_vkio_memberFields: 'b34957a34a92ef9cb90a81f38fad9a8ae84123e5329f8d5ea64532cfe956d235',
    execute_vkio_allFields: '3c25bedb00849acddabd0bda1d4b6ac182ff17a3b10326e7d4a7ac7e34bb499c',
    execute_vkapi: '817ffe2368ca80e1c237ab9c90eed12889fd8cd7d1d84cf4bf08eddbf4c7a479',
    execute_pull_columns: '1a87c670f463b04de9a6298ef22475a4dd840aabdadf3b5ef4f753f428712f6a',
    execute_pull_objects: '6b954e2bdaa91e61c1a4b52b901867ecf61cf339adc675e4363f8945422762b8',
  },
  20261101: {
    records: '4557bc42dd344cf9a68df2a9e2652027e96c9f15ae381380f16946b8407a86b2',
    userJsonBytes_memberFields: '0f4105e9417d907dc91bbdb595b3e0ec5b3cdf39ef56743d1ba0851b07b3f844',
    userJsonBytes_allFields: 'f3abb9998d0f93b11a8341e79dc7cd840695c49c305c29897e88cd5377981929',
    userJson_allFields_sample: '4f503c7f68169432745508c09ad24a0e50466d996e02437c2d01d5839f5a5c64',
    getMembers_memberFields: '316271a708070e86c9f9ce099b54290b53f0712883fae6fd51a64677ce677115',
    getMembers_allFields: 'fdc7eb0696a70be297532cbbdde41ccaa14bbda34ad028beb11d3c8ab7926d1b',
    getMembers_ids: '51907a1a180649bfb9ce6cbb54102692a7b21079e7a6c528fe81bc28dec97986',
    getMembers_desc: '531d738a13c187eafd13cd740335897321017f22113aaf45608bfbed93918c53',
    execute_vkio_memberFields: '0d45262130fb270691cc9b492503d7638e7feed73b20c710146f0d2ce4d157b9',
    execute_vkio_allFields: 'efc499ba3e3ff6db65f91b4edc3aa37c9c9952e01615bfcca58b3c00e3736ddf',
    execute_vkapi: '40410f89566abdfd39e809c5e6ed07fd1833a5e940dda476be8c04608e294f11',
    execute_pull_columns: '195c9c07b149699b9e89571d127da976cb8082ef70e16d762d3ef0f148b975e3',
    execute_pull_objects: 'a46608e6f9495ca21c080f33db46897d9502837c289d5984e372839c070fa548',
  },
};

describe('emulator / golden bytes', function () {
  this.timeout(60_000);
  for (const seed of Object.keys(GOLDEN).map(Number)) {
    it(`seed ${seed}: records, user JSON, getMembers pages and execute answers (vk-io, vk_api, the pull's scripts) are unchanged`, async () => {
      expect(await goldenHashes(MEMBERS, seed)).to.deep.equal(GOLDEN[seed]);
    });
  }
  // Members generated ahead by a worker thread (fast/member-store.ts) must serve the same bytes:
  // read from the filled store, and while the worker is still filling it (some stored, some generated).
  for (const mode of ['filled', 'racing'] as const) {
    it(`seed 1, members from the worker-filled store (${mode}): the same bytes`, async () => {
      expect(await goldenHashes(MEMBERS, 1, mode)).to.deep.equal(GOLDEN[1]);
    });
  }
  // A zero share of 0, given explicitly, is the plain negative binomial community (the generator and its worker).
  it('seed 1 with followersZeroShare 0 given, members from the worker-filled store: the same bytes', async () => {
    expect(await goldenHashes(MEMBERS, 1, 'filled', { followersZeroShare: 0 })).to.deep.equal(GOLDEN[1]);
  });
});
