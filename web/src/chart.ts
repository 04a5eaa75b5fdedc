/**
 * The household's half-hourly consumption as an inline SVG bar chart, drawn on this device: one bar per
 * half-hour, filled by the price band of its slot, a label per day (or per week for long periods).
 * Drawn at the container's pixel size (redrawn on resize) so that labels keep their size on a phone.
 *
 * Bands are told apart without colour too: each has its own pattern (solid, stripes, dots, …) and letter,
 * the same in the chart and the table, and every colour has a contrast of at least 3:1 against white.
 */
import { SLOTS_PER_DAY } from '../../core/time.js';
import { dayText, shortDayText } from './words.js';

const SVG = 'http://www.w3.org/2000/svg';
/** Dearest band first: red, brown, olive, green, blue (contrast 3.9:1 to 6.6:1 on white). */
export const BAND_COLOURS = ['#b42318', '#9a5b13', '#6b6b00', '#1a7f37', '#1f5fbf'];
export const BAND_LETTERS = ['A', 'B', 'C', 'D', 'E'];
/** Each band's pattern over its colour: solid, diagonal stripes, dots, cross-hatch, horizontal stripes. */
const PATTERNS: ((c: string) => SVGElement[])[] = [
  () => [],
  (c) => [el('path', { d: 'M-1 1l2-2M0 6l6-6M5 7l2-2', stroke: c, 'stroke-width': 1.6 })],
  (c) => [el('circle', { cx: 3, cy: 3, r: 1.4, fill: c })],
  (c) => [el('path', { d: 'M0 0l6 6M6 0l-6 6', stroke: c, 'stroke-width': 1.2 })],
  (c) => [el('path', { d: 'M0 1.5h6M0 4.5h6', stroke: c, 'stroke-width': 1.2 })],
];

/** The fill of band `b`: its pattern (white marks over the band's colour). */
export function bandPattern(b: number, id: string): SVGPatternElement {
  const i = b % BAND_COLOURS.length;
  const pattern = el('pattern', { id, width: 6, height: 6, patternUnits: 'userSpaceOnUse' });
  pattern.append(el('rect', { width: 6, height: 6, fill: BAND_COLOURS[i] }), ...PATTERNS[i]('#fff'));
  return pattern;
}

/** A small swatch of band `b` for the table: its pattern and letter. */
export function bandSwatch(b: number): SVGSVGElement {
  const svg = el('svg', { width: 28, height: 14, viewBox: '0 0 28 14', class: 'swatch', 'aria-hidden': 'true' });
  const defs = el('defs', {});
  defs.append(bandPattern(b, `swatch-${b}`));
  svg.append(defs, el('rect', { width: 14, height: 14, fill: `url(#swatch-${b})` }), el('text', { x: 17, y: 11, class: 'axis' }, BAND_LETTERS[b % BAND_LETTERS.length]));
  return svg;
}

export function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export function consumptionChart(readingsWh: readonly number[], startDay: number, bandOfSlot: readonly number[], width: number, height: number): SVGSVGElement {
  const slots = readingsWh.length;
  const days = slots / SLOTS_PER_DAY;
  const top = 22;
  const bottom = 20;
  const left = 38;
  const plotW = width - left - 6;
  const plotH = height - top - bottom;
  const max = Math.max(1, ...readingsWh);
  const kwhMax = max / 1000;
  const barW = plotW / slots;

  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', class: 'chart' });
  const defs = el('defs', {});
  BAND_COLOURS.forEach((_, b) => defs.append(bandPattern(b, `band-${b}`)));
  svg.append(defs);
  const totalKwh = readingsWh.reduce((a, b) => a + b, 0) / 1000;
  svg.append(el('title', {}, `Half-hourly consumption, ${days} day(s) from ${dayText(startDay)}: ${totalKwh.toFixed(1)} kWh in total, at most ${kwhMax.toFixed(2)} kWh in a half-hour`));

  for (const f of [0, 0.5, 1]) {
    const y = top + plotH * (1 - f);
    svg.append(el('line', { x1: left, x2: width, y1: y, y2: y, class: 'grid' }));
    svg.append(el('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis' }, (kwhMax * f).toFixed(kwhMax < 1 ? 2 : 1)));
  }
  // One path per band keeps the DOM small even for a month (1488 half-hours).
  const paths = BAND_COLOURS.map(() => [] as string[]);
  readingsWh.forEach((wh, i) => {
    const h = (wh / max) * plotH;
    if (h <= 0) return;
    paths[bandOfSlot[i] % BAND_COLOURS.length].push(`M${(left + i * barW).toFixed(2)} ${(top + plotH).toFixed(2)}v${(-h).toFixed(2)}h${Math.max(barW * 0.8, 0.6).toFixed(2)}v${h.toFixed(2)}z`);
  });
  paths.forEach((d, b) => d.length && svg.append(el('path', { d: d.join(''), fill: `url(#band-${b})`, stroke: BAND_COLOURS[b], 'stroke-width': 0.5, 'data-band': BAND_LETTERS[b] })));

  const step = days <= 7 && plotW / days > 44 ? 1 : 7;
  for (let d = 0; d < days; d += step) {
    const x = left + d * SLOTS_PER_DAY * barW;
    svg.append(el('line', { x1: x, x2: x, y1: top, y2: top + plotH, class: 'day' }));
    svg.append(el('text', { x: x + 3, y: height - 5, class: 'axis' }, shortDayText(startDay + d)));
  }
  svg.append(el('text', { x: left - 6, y: top - 10, 'text-anchor': 'end', class: 'axis' }, 'kWh'));
  return svg;
}
