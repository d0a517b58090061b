/**
 * Byte checksums of what the emulator answers for a fixed seed and reference time. The
 * community is the study's ground truth, so speed work on the serving path must not change
 * a single byte: golden.test.ts pins these hashes (computed from the code before the
 * optimisations), and this file run as a script prints them for a larger community:
 *
 *   node .build/<x>/test/emulator/golden.js [members] [seed...]
 *
 * Covered: generated records (every MemberRecord property), `userJson` / `userJsonBytes`
 * with MEMBER_FIELDS and with every known field, and over HTTP the groups.getMembers pages
 * (fields, all fields, ids only, id_desc), vk-io's execute loop, python vk_api's loop and
 * the pull's own columns and objects scripts (src/vk/members-script.ts).
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import { startEmulator, type EmulatorOptions } from '../../src/emulator';
import { CommunityGenerator } from '../../src/emulator/generator';
import { KNOWN_FIELDS, parseFields, userJson } from '../../src/emulator/serialize';
import { MEMBER_FIELDS } from '../../src/snapshot/schema';
import { membersScript } from '../../src/vk/members-script';
import { FIXED_NOW_MS, userJsonBytes, vkApiExecuteCode, vkIoExecuteCode } from './helpers';

export type GoldenHashes = Record<string, string>;

const sha = (): ReturnType<typeof createHash> => createHash('sha256');

function post(agent: http.Agent, url: string, params: Record<string, string>): Promise<Buffer> {
  const body = new URLSearchParams(params).toString();
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          if (res.statusCode !== 200 || !buf.subarray(0, 12).toString('latin1').startsWith('{"response"')) {
            reject(
              new Error(
                `golden: unexpected answer ${res.statusCode} ${buf.subarray(0, 200).toString('utf8')}`,
              ),
            );
          } else resolve(buf);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * How the emulator gets its members: generated per request (`off`), from the store a
 * worker fills, read as far as it has got (`racing`), or completely filled first (`filled`).
 */
export type StoreMode = 'off' | 'racing' | 'filled';

/** Hashes of `members` members of the community with `seed` (and `options`) at the fixed test clock. */
export async function goldenHashes(
  members: number,
  seed: number,
  store: StoreMode = 'off',
  options: Pick<EmulatorOptions, 'followersZeroShare'> = {},
): Promise<GoldenHashes> {
  const out: GoldenHashes = {};
  const gen = new CommunityGenerator({ ...options, seed, referenceSec: FIXED_NOW_MS / 1000 });
  const memberFields = parseFields(MEMBER_FIELDS);
  const allFields = parseFields(KNOWN_FIELDS);
  const hRec = sha();
  const hMember = sha();
  const hAll = sha();
  for (let i = 0; i < members; i++) {
    const rec = gen.member(i);
    hRec.update(JSON.stringify(rec));
    hMember.update(userJsonBytes(rec, memberFields, gen.referenceSec), 'latin1');
    hAll.update(userJsonBytes(rec, allFields, gen.referenceSec), 'latin1');
  }
  out.records = hRec.digest('hex');
  out.userJsonBytes_memberFields = hMember.digest('hex');
  out.userJsonBytes_allFields = hAll.digest('hex');
  // The string form (truth.user, execute sub-sinks) on a sample.
  const hStr = sha();
  for (let i = 0; i < members; i += 97)
    hStr.update(userJson(gen.member(i), allFields, gen.referenceSec), 'utf8');
  out.userJson_allFields_sample = hStr.digest('hex');

  const emu = await startEmulator({
    ...options,
    members,
    seed,
    now: () => FIXED_NOW_MS,
    rateLimitPerSecond: 0,
    maxResponseBytes: 1 << 30,
    pregenerate: store !== 'off',
  });
  if (store === 'filled') {
    await emu.store!.whenFilled();
    if (emu.store!.storedCount() !== members)
      throw new Error(`the store holds ${emu.store!.storedCount()} of ${members} members`);
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const call = (method: string, params: Record<string, string>): Promise<Buffer> =>
      post(agent, `${emu.base}/${method}`, { v: '5.199', access_token: emu.token, ...params });
    const pages = async (key: string, extra: Record<string, string>): Promise<void> => {
      const h = sha();
      for (let offset = 0; offset < members; offset += 1000) {
        h.update(
          await call('groups.getMembers', {
            group_id: emu.screenName,
            offset: String(offset),
            count: '1000',
            ...extra,
          }),
        );
      }
      out[key] = h.digest('hex');
    };
    await pages('getMembers_memberFields', { fields: MEMBER_FIELDS.join(',') });
    await pages('getMembers_allFields', { fields: KNOWN_FIELDS.join(','), sort: 'id_asc' });
    await pages('getMembers_ids', {});
    const hDesc = sha();
    hDesc.update(
      await call('groups.getMembers', {
        group_id: String(emu.groupId),
        offset: '500',
        count: '1000',
        sort: 'id_desc',
        fields: MEMBER_FIELDS.join(','),
      }),
    );
    out.getMembers_desc = hDesc.digest('hex');

    const execs = async (
      key: string,
      codeAt: (offset: number) => Record<string, string>,
      step: number,
    ): Promise<void> => {
      const h = sha();
      for (let offset = 0; offset < members; offset += step) h.update(await call('execute', codeAt(offset)));
      out[key] = h.digest('hex');
    };
    const vkIo = vkIoExecuteCode(
      'groups.getMembers',
      { group_id: emu.screenName, count: 1000, fields: [...MEMBER_FIELDS] },
      25,
    );
    await execs(
      'execute_vkio_memberFields',
      (o) => ({ code: vkIo, offset: String(o), received: String(o), total: String(members) }),
      25_000,
    );
    const vkIoAll = vkIoExecuteCode(
      'groups.getMembers',
      { group_id: emu.screenName, count: 1000, fields: [...KNOWN_FIELDS] },
      25,
    );
    await execs(
      'execute_vkio_allFields',
      (o) => ({ code: vkIoAll, offset: String(o), received: String(o), total: String(members) }),
      25_000,
    );
    await execs(
      'execute_vkapi',
      (o) => ({
        code: vkApiExecuteCode(
          'groups.getMembers',
          { group_id: emu.groupId, count: 1000, fields: MEMBER_FIELDS.join(',') },
          null,
          o,
        ),
      }),
      25_000,
    );
    for (const shape of ['columns', 'objects'] as const) {
      await execs(
        `execute_pull_${shape}`,
        (o) => ({
          code: membersScript({
            groupId: emu.groupId,
            start: Math.max(0, o - 1),
            page: 1000,
            overlap: 1,
            calls: 25,
            fields: MEMBER_FIELDS,
            shape,
          }),
        }),
        24_975,
      );
    }
  } finally {
    agent.destroy();
    await emu.close();
  }
  return out;
}

if (require.main === module) {
  const members = Number(process.argv[2] ?? 200_000);
  const seeds = process.argv.slice(3).map(Number);
  (async () => {
    for (const seed of seeds.length ? seeds : [1, 20261101]) {
      const t = performance.now();
      const h = await goldenHashes(members, seed);
      console.log(
        JSON.stringify(
          { members, seed, seconds: +((performance.now() - t) / 1000).toFixed(1), ...h },
          null,
          1,
        ),
      );
    }
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
