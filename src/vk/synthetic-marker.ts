/**
 * How the project's emulator says, in its community's `description`, that the community is
 * synthetic and which generator settings drew it:
 *
 *   [vk-audience-study synthetic community] seed=7 members=5000 bot_share=0.03 followers_zero_share=0
 *
 * The emulator writes it, the pull reads it into the manifest's `source.synthetic`, and the
 * notebooks rebuild the generator's truth from those settings. A real community never
 * carries the marker, so its snapshots have no truth to compare with.
 */
export const SYNTHETIC_MARKER = '[vk-audience-study synthetic community]';

export interface SyntheticSettings {
  seed: number;
  members: number;
  /** Share of live members drawn as bots; absent when the marker does not say (the generator's default). */
  bot_share?: number;
  /** Share of live members whose follower count is a structural zero (the true `zi`); absent as above. */
  followers_zero_share?: number;
}

export function formatSyntheticMarker(s: Required<SyntheticSettings>): string {
  return (
    `${SYNTHETIC_MARKER} seed=${s.seed} members=${s.members}` +
    ` bot_share=${s.bot_share} followers_zero_share=${s.followers_zero_share}`
  );
}

const NUMBER = '(-?\\d+(?:\\.\\d+)?(?:e-?\\d+)?)';

export function parseSyntheticMarker(description: unknown): SyntheticSettings | null {
  if (typeof description !== 'string' || !description.startsWith(SYNTHETIC_MARKER)) return null;
  const read = (key: string): number | undefined => {
    const m = new RegExp(`(?:^|\\s)${key}=${NUMBER}(?=\\s|$)`).exec(description);
    return m ? Number(m[1]) : undefined;
  };
  const settings: SyntheticSettings = { seed: read('seed') ?? NaN, members: read('members') ?? NaN };
  const bot = read('bot_share');
  const zero = read('followers_zero_share');
  if (bot !== undefined) settings.bot_share = bot;
  if (zero !== undefined) settings.followers_zero_share = zero;
  return settings;
}

/** "3% bots, 30% structural zeros in followers": the shares the settings state, for a label. */
export function sharesText(s: SyntheticSettings): string {
  const pct = (x: number): string => `${+(100 * x).toFixed(2)}%`;
  return [
    s.bot_share === undefined ? '' : `${pct(s.bot_share)} bots`,
    s.followers_zero_share === undefined
      ? ''
      : `${pct(s.followers_zero_share)} structural zeros in followers`,
  ]
    .filter(Boolean)
    .join(', ');
}
