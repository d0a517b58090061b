/** Small HTTP helpers for emulator tests: form-encoded POST as VK clients send it. */
import type { EmulatorHandle } from '../../src/emulator';
import { JsonSink } from '../../src/emulator/fast/json-sink';
import { writeUser } from '../../src/emulator/fast/user-writer';
import type { MemberRecord } from '../../src/emulator/generator';
import type { FieldSet } from '../../src/emulator/serialize';

/** One user as the server writes it (the byte writer), as a byte string (UTF-8 bytes, one char each). */
export function userJsonBytes(rec: MemberRecord, f: FieldSet, referenceSec: number): string {
  const sink = new JsonSink(4096);
  writeUser(rec, f, referenceSec, sink);
  return sink.toString('latin1');
}

export interface VkAnswer {
  status: number;
  text: string;
  json: any;
}

export async function call(
  emu: EmulatorHandle,
  method: string,
  params: Record<string, string | number>,
  init: { token?: string | null; headers?: Record<string, string> } = {},
): Promise<VkAnswer> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) body.set(k, String(v));
  if (!('v' in params)) body.set('v', '5.199');
  const token = init.token === undefined ? emu.token : init.token;
  if (token !== null) body.set('access_token', token);
  const res = await fetch(`${emu.base}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(init.headers ?? {}) },
    body,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** A fixed clock (ms) so answers are byte-identical across runs. */
export const FIXED_NOW_MS = Date.UTC(2026, 10, 20, 12, 0, 0);
export const fixedNow = (): number => FIXED_NOW_MS;

/** vk-io's collect execute code (packages/vk-io/src/collect/execute-code.ts), as it builds it. */
export function vkIoExecuteCode(
  method: string,
  params: Record<string, unknown>,
  parallelCount: number,
): string {
  const paramsJson = JSON.stringify(params, (key, value) =>
    typeof value === 'object' && value !== params ? String(value) : value,
  );
  return `
		var params = ${paramsJson};

		params.offset = parseInt(Args.offset);

		var total = parseInt(Args.total);
		var received = parseInt(Args.received);

		var proceed = total == 0 || received < total;

		var i = 0, items = [], profiles = [], groups = [], result, length;

		while (i < ${parallelCount} && proceed) {
			result = API.${method}(params);
			length = result.items.length;

			if (total == 0 || total > result.count) {
				total = result.count;
			}

			items = items + result.items;
			if (result.profiles)
				profiles = profiles + result.profiles;
			if (result.groups)
				groups = groups + result.groups;

			received = received + length;
			params.offset = params.offset + length;

			proceed = received < total;
			i = i + 1;
		}

		return {
			total: total,
			items: items.splice(0, total),
			profiles: profiles.splice(0, total),
			groups: groups.splice(0, total)
		};
	`;
}

/** python vk_api's VkTools.get_all_iter function (vk_api/tools.py, vk_get_all_items), args substituted as json.dumps does. */
export function vkApiExecuteCode(
  method: string,
  values: Record<string, unknown>,
  count: number | null,
  offset: number,
): string {
  return `
    var params = ${JSON.stringify(values)},
        calls = 0,
        items = [],
        count = ${count === null ? 'null' : count},
        offset = ${offset},
        ri;

    while(calls < 25) {
        calls = calls + 1;

        params.offset = offset * 1;
        var response = API.${method}(params),
            new_count = response.count,
            count_diff = (count == null ? 0 : new_count - count);
        if (!response) {
            return {"_error": 1};
        }

        if (count_diff < 0) {
            offset = offset + count_diff;
        } else {
            ri = response.items;
            items = items + ri.slice(count_diff);
            offset = offset + params.count + count_diff;
            if (ri.length < params.count) {
                calls = 99;
            }
        }

        count = new_count;

        if (count != null && offset >= count) {
            calls = 99;
        }
    };

    return {
        count: count,
        items: items,
        offset: offset,
        more: calls != 99
    };
`;
}

/** The older vk_api script (VK_SCRIPT_GET_ALL): object merge with `+` and `[key]` indexing. */
export function vkApiOldExecuteCode(
  method: string,
  values: Record<string, unknown>,
  maxCount: number,
  offset: number,
): string {
  return `
    var max_count = ${maxCount},
        offset = ${offset},
        key = "items";

    var params = {count: max_count, offset: offset} + ${JSON.stringify(values)};

    var r = API.${method}(params),
        items = r[key],
        i = 1;

    while(i < 25 && offset + max_count <= r.count) {
        offset = offset + max_count;
        params.offset = offset;

        items = items + API.${method}(params)[key];

        i = i + 1;
    };

    return {count: r.count, items: items, offset: offset + max_count};
`;
}
