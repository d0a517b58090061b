/**
 * The emulator's answers, byte for byte, for two seeds at the fixed test clock: the
 * community is the study's ground truth (calibration tests, notebooks and the model's
 * known truth rely on it), so serving-speed work must not change a single byte. Golden
 * values were computed by golden.ts from the code on main at b2235fc, before the
 * serving-path optimisations. If a hash changes on purpose (a deliberate change to the
 * community or to a VK shape), recompute with `node .build/<x>/test/emulator/golden.js
 * 6000` and say why in the commit message.
 */
import { expect } from 'chai';
import { GoldenHashes, goldenHashes } from './golden';

const MEMBERS = 6000;
const GOLDEN: Record<number, GoldenHashes> = {
  1: {
    records: '2e3cc591a9bd9cfeb29254e9ea4fe862d55701ee9efc6afadd4af78e41f60347',
    userJsonBytes_memberFields: 'b8c1ee6630fac78d892fd9d030df5a8c7dd9cfa758f2e4c86c0fa263f245e1f6',
    userJsonBytes_allFields: 'af0331b1c1974175cc4c4917c14850155b208b70a3e726511ffa5257f076d871',
    userJson_allFields_sample: '07459f05e9fe757b1295d4ddde32bdeef70a19ab608be5f90b39fb084d92d94c',
    getMembers_memberFields: '0aa3b1891bc8fe3e75a3f99a28b54850c50a5eb054f01f32a351ba2843efe3a2',
    getMembers_allFields: '249b76d971ec6815fd79fd9ba5a7df910b4be10aa4cd906a9db3322c4c74eb5e',
    getMembers_ids: '20554507da519fb38c9325b61e0822318d1292491d6c3cf51585d0380725d93d',
    getMembers_desc: 'd4b86b4a523fdb43be2f6d2f895305da723dd5aabef5dabe5c10e6d7dae35954',
    execute_vkio_memberFields: '9427d159c5c54f86a476846b99444869700dd49db73fd00c47b5adc26d988495',
    execute_vkio_allFields: '2e25bd4eb8bf714fca44bf5f92af2ffee2fecf88f6ae701ea547c03573b6d392',
    execute_vkapi: 'd717f2c2c7df20eee7fce4d4c8521119f4fc2beb3ee85f52d802cbcc820bd47e',
    execute_pull_columns: '1f5880b28e0ed286489f1ffa5377c90933b5e59e2255f423eb8e50adad1006cd',
    execute_pull_objects: '5f2e8314bd730a7a1507ad8e330113d2b5cd84c682da3708eac86fc9562cd624',
  },
  20261101: {
    records: '0e76701545538e24dfa5ba50b4dec1af1147de5395b60e607992901402258e68',
    userJsonBytes_memberFields: 'b9dfd31e27adea68820fabf9123dd90cfadd2890078aa3628f5e4f91bd323727',
    userJsonBytes_allFields: 'a19a80d7ab654bc391a725af4cfe4fa7f3e771b7a4d9414df0bfd096002ffff4',
    userJson_allFields_sample: '81a4e1ed996fb9bff6a1be8ac1d527bff90ef18671b32a7d7e978733a7df526a',
    getMembers_memberFields: '14b3d625be5ee52b5ba7bc1c274de2935c4fecee327696787a6dde74e27e6e23',
    getMembers_allFields: 'c577ee0421d448b806e8c25e259ccfeb8cc137589f8df3fbbb847f03ec7b36c9',
    getMembers_ids: '51907a1a180649bfb9ce6cbb54102692a7b21079e7a6c528fe81bc28dec97986',
    getMembers_desc: '2deb4ad86bf68f03879dd9df3d99b4dc87599764d2260c9ece9cec15971cff61',
    execute_vkio_memberFields: 'f6c84c63998ed57e1a9bb4e8c605250a16e351156cc124ed54f2e4274daf8db6',
    execute_vkio_allFields: '61196e5bcf5e8f7d241fd43bb00d5f680812a79c21c556b1fa859189cf84feb6',
    execute_vkapi: 'c681f69e542e6f2cc434dc987073398c7c002a70874f05eb0d491d56610a23bd',
    execute_pull_columns: '2dde2baf63de25710e2722ccd3df120f51f8f79196c995102d7200bfb07178f3',
    execute_pull_objects: '0b48dc974041f1a1c068d2bac0683b590c56ac61e08983ae0785f15cb8f189e4',
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
});
