/**
 * One community between two snapshots as a flow (Sankey) chart: statuses then on the left
 * (plus "not yet a member"), statuses now on the right (plus "left"), each band an exact
 * count of members (src/compare/churn.ts). Colours are the study's status colours.
 */
import { BASE_CONFIG, type Figure } from '../theme';
import { FONT_FAMILY, BASE_FONT_SIZE } from '../theme';
import { OKABE_ITO, STATUS_COLORS, type StatusCategory } from '../palette';
import type { OverTimeSection } from '../../compare/types';

const nodeColor = (status: string): string =>
  (STATUS_COLORS as Record<string, string>)[status as StatusCategory] ??
  (status === 'joined' ? OKABE_ITO.skyBlue : OKABE_ITO.reddishPurple);

/** Hex colour with an alpha, for the bands. */
const fade = (hex: string, alpha: number): string => {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
};

export function transitionsSankeyFigure(o: OverTimeSection): Figure {
  if (!o.sankey) {
    throw new Error(
      `transitionsSankeyFigure: the transitions of ${o.group.screen_name} were not counted (${o.notes[0] ?? 'a snapshot is a sample'}).`,
    );
  }
  const s = o.sankey;
  const day = (t: string): string => t.slice(0, 10);
  const counts = new Float64Array(s.nodes.length);
  for (const l of s.links) {
    counts[l.source] += l.value;
    counts[l.target] += l.value;
  }
  return {
    data: [
      {
        type: 'sankey',
        arrangement: 'snap',
        node: {
          label: s.nodes.map(
            (n, i) =>
              `${n.label} ${n.side === 'before' ? day(o.older.snapshot_time) : day(o.newer.snapshot_time)} (${counts[i].toLocaleString('en-US')})`,
          ),
          color: s.nodes.map((n) => nodeColor(n.status)),
          pad: 14,
          thickness: 18,
          line: { color: '#444', width: 0.5 },
        },
        link: {
          source: s.links.map((l) => l.source),
          target: s.links.map((l) => l.target),
          value: s.links.map((l) => l.value),
          color: s.links.map((l) => fade(nodeColor(s.nodes[l.source].status), 0.35)),
          hovertemplate: '%{source.label} → %{target.label}: %{value:,} members<extra></extra>',
        },
      },
    ],
    layout: {
      title: {
        text: `${o.group.screen_name}: members and statuses from ${day(o.older.snapshot_time)} to ${day(o.newer.snapshot_time)} (${Math.round(o.days)} days)`,
        font: { size: BASE_FONT_SIZE + 4 },
        x: 0,
        xanchor: 'left',
      },
      font: { family: FONT_FAMILY, size: BASE_FONT_SIZE, color: '#222' },
      paper_bgcolor: '#ffffff',
      height: 520,
      margin: { l: 30, r: 30, t: 60, b: 30 },
    },
    config: { ...BASE_CONFIG },
  };
}
