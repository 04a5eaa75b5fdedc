/**
 * The household's half-hourly consumption as an inline SVG bar chart, drawn on this device: one bar per
 * half-hour, coloured by the price band of its slot, a label per day (or per week for long periods).
 * Drawn at the container's pixel size (redrawn on resize) so that labels keep their size on a phone.
 */
import { isoDay, SLOTS_PER_DAY } from '../../core/time.js';

const SVG = 'http://www.w3.org/2000/svg';
export const BAND_COLOURS = ['#c0392b', '#e67e22', '#f1c40f', '#27ae60', '#2e86c1'];

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
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
  const totalKwh = readingsWh.reduce((a, b) => a + b, 0) / 1000;
  svg.append(el('title', {}, `Half-hourly consumption, ${days} day(s) from ${isoDay(startDay)}: ${totalKwh.toFixed(1)} kWh in total, at most ${kwhMax.toFixed(2)} kWh in a half-hour`));

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
  paths.forEach((d, b) => d.length && svg.append(el('path', { d: d.join(''), fill: BAND_COLOURS[b] })));

  const step = days <= 7 && plotW / days > 44 ? 1 : 7;
  for (let d = 0; d < days; d += step) {
    const x = left + d * SLOTS_PER_DAY * barW;
    svg.append(el('line', { x1: x, x2: x, y1: top, y2: top + plotH, class: 'day' }));
    svg.append(el('text', { x: x + 3, y: height - 5, class: 'axis' }, isoDay(startDay + d).slice(5)));
  }
  svg.append(el('text', { x: left - 6, y: top - 10, 'text-anchor': 'end', class: 'axis' }, 'kWh'));
  return svg;
}
