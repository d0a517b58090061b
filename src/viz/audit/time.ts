/**
 * Figures for notebook 03 (activity time): share of last-seen times per half hour by sex
 * or platform, with the peak's bootstrap interval shaded and the snapshot's time of day
 * marked (last_seen is the last visit: daily users cluster just before the snapshot).
 */
import { barFigure, lineFigure } from '../figures';
import { categoryColor } from '../palette';
import type { Figure } from '../theme';

export interface BinRow {
  zone: string;
  group: string;
  bin: number;
  count: number;
  share: number;
}

export interface PeakMark {
  bin: number;
  loBin: number;
  hiBin: number;
  interval: string;
}

const hours = (bin: number): number => bin / 2;

function seriesFor(rows: readonly BinRow[], zone: string, groups: readonly string[]) {
  return groups
    .map((g) => {
      const r = rows.filter((x) => x.zone === zone && x.group === g).sort((a, b) => a.bin - b.bin);
      // plot at the bin's middle so 11:30–12:00 sits at 11.75 h
      return {
        name: g,
        x: r.map((x) => hours(x.bin) + 0.25),
        y: r.map((x) => 100 * x.share),
        n: r.reduce((a, x) => a + x.count, 0),
      };
    })
    .filter((s) => s.x.length > 0 && s.n > 0);
}

/**
 * Time-of-day lines in one zone for the given groups (e.g. all/female/male), with the
 * peak's interval shaded and the snapshot time as a dashed line.
 */
export function timeOfDayFigure(opts: {
  rows: readonly BinRow[];
  zone: 'UTC' | 'MSK';
  groups: readonly string[];
  title: string;
  peak?: PeakMark | null;
  snapshotClockSeconds?: number | null;
}): Figure {
  const series = seriesFor(opts.rows, opts.zone, opts.groups);
  if (series.length === 0)
    throw new Error(`timeOfDayFigure: no bins for zone ${opts.zone} and groups ${opts.groups.join(', ')}.`);
  const fig = lineFigure({
    title: opts.title,
    series: series.map((s, i) => ({
      name: `${s.name} (n = ${s.n.toLocaleString('en-US')})`,
      x: s.x,
      y: s.y,
      color: colorFor(s.name, i),
    })),
    x: {
      title: 'Time of day of the last visit',
      unit: opts.zone === 'MSK' ? 'hour, Moscow time (UTC+3)' : 'hour, UTC',
      range: [0, 24],
      dtick: 2,
    },
    y: { title: 'Share of the group', unit: '% per half hour' },
  });
  const shapes: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  if (opts.peak) {
    const { loBin, hiBin } = opts.peak;
    const spans: [number, number][] =
      loBin <= hiBin
        ? [[loBin, hiBin + 1]]
        : [
            [loBin, 48],
            [0, hiBin + 1],
          ];
    for (const [a, b] of spans) {
      shapes.push({
        type: 'rect',
        xref: 'x',
        yref: 'paper',
        x0: hours(a),
        x1: hours(b),
        y0: 0,
        y1: 1,
        fillcolor: '#E69F00',
        opacity: 0.18,
        line: { width: 0 },
      });
    }
    annotations.push({
      xref: 'x',
      yref: 'paper',
      x: hours(loBin),
      y: 1,
      yanchor: 'bottom',
      xanchor: 'left',
      showarrow: false,
      text: `peak ${opts.peak.interval} (95% bootstrap)`,
      font: { size: 12 },
    });
  }
  if (opts.snapshotClockSeconds !== null && opts.snapshotClockSeconds !== undefined) {
    const offset = opts.zone === 'MSK' ? 3 : 0;
    const x = (opts.snapshotClockSeconds / 3600 + offset) % 24;
    shapes.push({
      type: 'line',
      xref: 'x',
      yref: 'paper',
      x0: x,
      x1: x,
      y0: 0,
      y1: 1,
      line: { color: '#555', width: 1.5, dash: 'dash' },
    });
    annotations.push({
      xref: 'x',
      yref: 'paper',
      x,
      y: 0.02,
      xanchor: 'left',
      showarrow: false,
      text: 'snapshot taken',
      font: { size: 11, color: '#555' },
    });
  }
  fig.layout.shapes = shapes;
  fig.layout.annotations = annotations;
  return fig;
}

function colorFor(group: string, index: number): string {
  // sex and platform have fixed colours in the shared palette; "all" is black
  return group === 'all' ? '#000000' : categoryColor(group, index);
}

/** Share of last visits per day of the week, by sex, with Wilson intervals. */
export function dayOfWeekFigure(
  rows: readonly {
    zone: string;
    group: string;
    day: string;
    day_index: number;
    share: number;
    lo: number;
    hi: number;
  }[],
  zone: 'UTC' | 'MSK',
): Figure {
  const groups = ['female', 'male'].filter((g) => rows.some((r) => r.zone === zone && r.group === g));
  const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  return barFigure({
    title: `Day of the week of the last visit (${zone === 'MSK' ? 'Moscow time' : 'UTC'}; 95% Wilson intervals)`,
    categories: days,
    series: groups.map((g) => {
      const r = days.map((d) => rows.find((x) => x.zone === zone && x.group === g && x.day === d));
      return {
        name: g,
        values: r.map((x) => 100 * (x?.share ?? 0)),
        lower: r.map((x) => 100 * (x?.lo ?? 0)),
        upper: r.map((x) => 100 * (x?.hi ?? 0)),
      };
    }),
    x: { title: 'Day of the week', unit: zone === 'MSK' ? 'Moscow time' : 'UTC', type: 'category' },
    y: { title: 'Share of the group', unit: '%' },
  });
}
