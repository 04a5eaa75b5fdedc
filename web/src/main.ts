/**
 * The household page (docs/web-app.md): meter id + key → the encrypted readings from the service →
 * decrypted in a worker → chart and bill by price band, drawn here → "Prove and send": the proof is made
 * in the worker, only the result file is sent → receipt with the certified outputs.
 */
import { isoDay, dayOf } from '../../core/time.js';
import { formatScaled, microPenceToPounds } from '../../core/units.js';
import type { BundleJson } from '../../meter/bundle-format.js';
import { parseUserKey, UserKeyError } from '../../meter/encryption/user-key.js';
import { assertMeterId } from '../../meter/meter-id.js';
import { billingStatement } from '../../kinds/bill/statement.js';
import { parseTariff } from '../../tariff/model.js';
import { api, type Certified, type Period, type ProvingContext } from './api.js';
import { billBreakdown, type Breakdown } from './breakdown.js';
import { BAND_COLOURS, consumptionChart } from './chart.js';
import { failureSentence, serviceSentence, type Where } from './messages.js';
import type { Failure, FromWorker, Reply, Request, Stage } from './protocol.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('open-form');
const meterInput = $<HTMLInputElement>('meter-id');
const keyInput = $<HTMLInputElement>('user-key');
const openButton = $<HTMLButtonElement>('open');
const message = $<HTMLParagraphElement>('message');
const local = $<HTMLElement>('local');
const periodSelect = $<HTMLSelectElement>('period');
const proveButton = $<HTMLButtonElement>('prove');
const prefetchNote = $<HTMLParagraphElement>('prefetch');
const progressCard = $<HTMLElement>('progress');
const progressBar = $<HTMLProgressElement>('progress-bar');
const elapsed = $<HTMLParagraphElement>('elapsed');
const receipt = $<HTMLElement>('receipt');

// ------------------------------------------------------------------------------------------ worker

const worker = new Worker(new URL('./prover.worker.ts', import.meta.url), { type: 'module' });
type Progress = (stage: Stage, loaded?: number, total?: number) => void;
const jobs = new Map<number, { resolve: (r: Reply) => void; reject: (f: Failure) => void; progress?: Progress }>();
let nextJob = 1;

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  const job = jobs.get(m.id);
  if (!job) return;
  if (m.type === 'progress') return job.progress?.(m.stage, m.loaded, m.total);
  jobs.delete(m.id);
  if (m.type === 'done') job.resolve(m.reply);
  else job.reject(m.failure);
};
worker.onerror = (e) => {
  for (const job of jobs.values()) job.reject({ code: 'prove_failed', message: `the proving worker stopped (${e.message || 'it could not start'})` });
  jobs.clear();
};

function run<T extends Reply['type']>(request: Request, progress?: Progress): Promise<Extract<Reply, { type: T }>> {
  const id = nextJob++;
  return new Promise((resolve, reject) => {
    jobs.set(id, { resolve: resolve as (r: Reply) => void, reject, progress });
    worker.postMessage({ id, request });
  });
}

const isFailure = (e: unknown): e is Failure => !!e && typeof e === 'object' && 'code' in e && !(e instanceof Error);

// ------------------------------------------------------------------------------------------ state

interface Opened {
  meterId: string;
  key: string;
  period: Period;
  bundle: BundleJson;
  decryptMs: number;
  context?: ProvingContext;
  /** resolves to the time the proving files took to download (or to come from the cache) while the readings were shown */
  prefetched?: Promise<number | undefined>;
}
let opened: Opened | undefined;
let periods: Period[] = [];
/** Set while "Prove and send" waits for the background download, so that the progress bar shows it. */
let downloadWatcher: Progress | undefined;

/** Timings of the last proof, for the receipt and the browser benchmark (scripts/bench-browser.ts). */
export interface PageTimings {
  decryptMs: number;
  /** proving files fetched in the background while the readings were shown (download or cache, and integrity check) */
  prefetchMs?: number;
  downloadMs: number;
  downloadedBytes: number;
  witnessMs: number;
  proveMs: number;
  submitMs: number;
  /** from "Prove and send" to the certified result */
  totalMs: number;
}
const exposed = { timings: undefined as PageTimings | undefined, measureKdf: () => run<'kdf'>({ type: 'kdf' }).then((r) => r.ms) };
(window as unknown as { meterproof: typeof exposed }).meterproof = exposed;

const periodLabel = (p: Period) => (p.days === 1 ? p.start : `${p.start} to ${isoDay(dayOf(p.start) + p.days - 1)} (${p.days} days)`);

function say(text: string, kind: 'error' | 'info' = 'error') {
  message.textContent = text;
  message.className = `message ${kind}`;
  message.hidden = false;
}

function busy(button: HTMLButtonElement, text: string | null) {
  button.dataset.label ??= button.textContent ?? '';
  button.disabled = text !== null;
  button.textContent = text ?? button.dataset.label;
}

// ------------------------------------------------------------------------------------------ opening

async function openMeter(): Promise<void> {
  message.hidden = true;
  local.hidden = progressCard.hidden = receipt.hidden = true;
  opened = undefined;
  const meterId = meterInput.value.trim();
  try {
    assertMeterId(meterId);
  } catch {
    return say(`"${meterId}" is not a meter id: it has 1 to 31 letters, digits, dots, dashes or underscores, as printed on the meter.`);
  }
  let key: string;
  try {
    key = parseUserKey(keyInput.value);
  } catch (e) {
    if (e instanceof UserKeyError) return say(failureSentence({ code: 'invalid_key', message: e.message }, { meterId }));
    throw e;
  }
  busy(openButton, 'Opening…');
  try {
    let listing;
    try {
      listing = await api.envelopes(meterId);
    } catch (e) {
      return say(serviceSentence(e, 'list', { meterId }));
    }
    periods = listing.items.map((i) => i.period);
    if (periods.length === 0) return say(`Meter ${meterId} has no encrypted readings on this service yet.`);
    periodSelect.replaceChildren(...periods.map((p, i) => new Option(periodLabel(p), String(i))));
    await openPeriod(meterId, key, periods[0]);
  } finally {
    busy(openButton, null);
  }
}

async function openPeriod(meterId: string, key: string, period: Period): Promise<void> {
  const where: Where = { meterId, period: periodLabel(period) };
  message.hidden = true;
  receipt.hidden = progressCard.hidden = true;
  proveButton.disabled = true;
  prefetchNote.textContent = '';
  opened = undefined;
  const [envelope, context] = await Promise.allSettled([api.envelope(meterId, period), api.provingContext(meterId, period)]);
  if (envelope.status === 'rejected') {
    local.hidden = true;
    return say(serviceSentence(envelope.reason, 'envelope', where));
  }
  // The proving files download while the household looks at its readings.
  const prefetchStarted = performance.now();
  const prefetched =
    context.status === 'fulfilled'
      ? run({ type: 'prefetch', artifacts: [context.value.artifacts.wasm, context.value.artifacts.zkey] }, (stage, loaded, total) => {
          if (total) prefetchNote.textContent = `Preparing the proof: proving files ${Math.floor((100 * (loaded ?? 0)) / total)}%`;
          downloadWatcher?.(stage, loaded, total);
        }).then(
          () => {
            prefetchNote.textContent = 'Ready to prove: the proving files are on this device.';
            return performance.now() - prefetchStarted;
          },
          () => {
            prefetchNote.textContent = ''; // "Prove and send" downloads again and reports the error
            return undefined;
          },
        )
      : undefined;
  let reply;
  try {
    reply = await run<'opened'>({ type: 'open', envelope: envelope.value, key });
  } catch (e) {
    local.hidden = true;
    return say(isFailure(e) ? failureSentence(e, where) : serviceSentence(e, 'envelope', where));
  }
  opened = { meterId, key, period, bundle: reply.bundle, decryptMs: reply.decryptMs, context: context.status === 'fulfilled' ? context.value : undefined, prefetched };
  render(opened);
  if (context.status === 'rejected') say(serviceSentence(context.reason, 'context', where), 'info');
  else proveButton.disabled = false;
}

// ------------------------------------------------------------------------------------------ local view

function render(o: Opened) {
  const startDay = dayOf(o.period.start);
  const readings = o.bundle.readingsWh;
  let breakdown: Breakdown | undefined;
  if (o.context) {
    const statement = billingStatement({
      meterId: o.meterId,
      publicKey: [BigInt(o.bundle.meter.publicKey[0]), BigInt(o.bundle.meter.publicKey[1])],
      startDay,
      days: o.period.days,
      tariff: parseTariff(o.context.statement.tariff.document),
      valueOfEnergy: parseTariff(o.context.statement.valueOfEnergy.document),
    });
    breakdown = billBreakdown(readings, statement);
  }
  const drawChart = () => {
    const box = $('chart');
    const width = box.clientWidth || 600;
    box.replaceChildren(consumptionChart(readings, startDay, breakdown?.bandOfSlot ?? readings.map(() => 0), width, width < 480 ? 160 : 200));
  };
  local.hidden = false; // laid out first, so the chart can take its width
  drawChart();
  redrawChart = drawChart;
  const kwh = readings.reduce((a, b) => a + b, 0);
  $('chart-caption').textContent = `${formatScaled(BigInt(kwh), 3)} kWh over ${periodLabel(o.period)}, half-hour by half-hour${breakdown ? ', coloured by price band' : ''}.`;

  const body = $('breakdown').querySelector('tbody')!;
  const foot = $('breakdown').querySelector('tfoot')!;
  const row = (cells: (string | Node)[]) => {
    const tr = document.createElement('tr');
    for (const c of cells) {
      const td = document.createElement('td');
      td.append(c);
      tr.append(td);
    }
    return tr;
  };
  const price = (mp: bigint) => `${formatScaled(mp, 3)} p/kWh`;
  if (breakdown) {
    body.replaceChildren(
      ...breakdown.bands
        .filter((b) => b.slots > 0)
        .map((b) => {
          const i = breakdown!.bands.indexOf(b);
          const swatch = Object.assign(document.createElement('span'), { className: 'swatch' });
          swatch.style.background = BAND_COLOURS[i % BAND_COLOURS.length];
          const label = document.createElement('span');
          label.append(swatch, b.minPrice === b.maxPrice ? price(b.minPrice) : `${price(b.minPrice)} – ${price(b.maxPrice)}`);
          return row([label, `${formatScaled(b.wh, 3)} kWh`, microPenceToPounds(b.cost)]);
        }),
      row(['Standing charge', `${o.period.days} day${o.period.days === 1 ? '' : 's'}`, microPenceToPounds(breakdown.standingCharge)]),
    );
    foot.replaceChildren(row(['Total', `${formatScaled(breakdown.wh, 3)} kWh`, microPenceToPounds(breakdown.total)]));
  } else {
    body.replaceChildren(row(['No published tariff for this period', `${formatScaled(BigInt(kwh), 3)} kWh`, '—']));
    foot.replaceChildren();
  }
}

let redrawChart: (() => void) | undefined;
let resizing: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizing);
  resizing = setTimeout(() => redrawChart?.(), 150);
});

// ------------------------------------------------------------------------------------------ proving

const STAGES: Stage[] = ['download', 'decrypt', 'witness', 'prove', 'submit'];
/** Share of the progress bar at the start of each stage; the proof itself takes most of the time. */
const BAR: Record<Stage, number> = { download: 0, decrypt: 0.2, witness: 0.2, prove: 0.3, submit: 0.95 };

function showStage(stage: Stage) {
  const at = STAGES.indexOf(stage);
  for (const li of document.querySelectorAll<HTMLLIElement>('#stages li')) {
    const i = STAGES.indexOf(li.dataset.stage as Stage);
    li.className = i < at || li.dataset.stage === 'decrypt' ? 'done' : i === at ? 'active' : '';
  }
}

async function proveAndSend(): Promise<void> {
  const o = opened;
  if (!o?.context) return;
  const ctx = o.context;
  const where: Where = { meterId: o.meterId, period: periodLabel(o.period) };
  message.hidden = true;
  receipt.hidden = true;
  progressCard.hidden = false;
  busy(proveButton, 'Proving…');
  periodSelect.disabled = openButton.disabled = true;
  const t0 = performance.now();
  let stage: Stage = 'download';
  let stageStarted = t0;
  // The proof's own progress is not observable: fill its share as an exponential approach, paced by its size.
  const expectedProveMs = 400 + 120 * ctx.circuit.params.maxDays;
  const tick = setInterval(() => {
    const now = performance.now();
    if (stage === 'prove') progressBar.value = BAR.prove + (BAR.submit - BAR.prove) * (1 - Math.exp(-(now - stageStarted) / expectedProveMs));
    elapsed.textContent = `${((now - t0) / 1000).toFixed(1)} s`;
  }, 100);
  const onProgress: Progress = (s, loaded, total) => {
    if (s !== stage) stageStarted = performance.now();
    stage = s;
    showStage(s);
    progressBar.value = s === 'download' && total ? (BAR.decrypt * (loaded ?? 0)) / total : BAR[s];
  };
  onProgress('download');
  try {
    let proved;
    let prefetchMs;
    try {
      downloadWatcher = onProgress;
      prefetchMs = await o.prefetched;
      downloadWatcher = undefined;
      proved = await run<'proved'>({ type: 'prove', bundle: o.bundle, fields: { tariff: ctx.statement.tariff.document, valueOfEnergy: ctx.statement.valueOfEnergy.document }, circuit: ctx.circuit, wasm: ctx.artifacts.wasm, zkey: ctx.artifacts.zkey }, onProgress);
    } catch (e) {
      return say(isFailure(e) ? failureSentence(e, where) : String(e));
    }
    onProgress('submit');
    const sent = performance.now();
    let certified: Certified;
    try {
      certified = await api.submit(proved.result);
    } catch (e) {
      return say(serviceSentence(e, 'submit', where));
    }
    const done = performance.now();
    progressBar.value = 1;
    showStage('submit');
    document.querySelector<HTMLLIElement>('#stages li[data-stage="submit"]')!.className = 'done';
    exposed.timings = { decryptMs: o.decryptMs, prefetchMs, ...proved.timings, submitMs: done - sent, totalMs: done - t0 };
    showReceipt(certified, exposed.timings);
  } finally {
    downloadWatcher = undefined;
    clearInterval(tick);
    busy(proveButton, null);
    periodSelect.disabled = openButton.disabled = false;
  }
}

function showReceipt(c: Certified, t: PageTimings) {
  const r = c.result;
  const fields: [string, string][] = [
    ['Result id', r.id],
    ['Meter', r.meterId],
    ['Period', periodLabel(r.period)],
    ['Bill', `${microPenceToPounds(BigInt(r.outputs.bill))} (${r.outputs.bill} µp)`],
    ['Consumption', `${formatScaled(BigInt(r.outputs.consumption), 3)} kWh`],
    ['Settlement value', microPenceToPounds(BigInt(r.outputs.settlement))],
    ['Circuit', r.circuit],
    ['Certified at', r.createdAt],
  ];
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const timings: [string, string][] = [
    ['Decrypt (incl. key derivation)', seconds(t.decryptMs)],
    ['Proving files', `${seconds(t.downloadMs)} (${t.downloadedBytes ? `${(t.downloadedBytes / 1e6).toFixed(1)} MB downloaded` : 'from this browser’s cache'})`],
    ['Witness', seconds(t.witnessMs)],
    ['Proof', seconds(t.proveMs)],
    ['Send and verify', seconds(t.submitMs)],
    ['Total', seconds(t.totalMs)],
  ];
  const list = (id: string, items: [string, string][]) =>
    $(id).replaceChildren(...items.flatMap(([k, v]) => [Object.assign(document.createElement('dt'), { textContent: k }), Object.assign(document.createElement('dd'), { textContent: v })]));
  list('receipt-fields', fields);
  list('timings', timings);
  $('receipt-fields').dataset.resultId = r.id;
  receipt.hidden = false;
  receipt.scrollIntoView({ behavior: 'smooth', block: 'start' });
}

// ------------------------------------------------------------------------------------------ wiring

form.addEventListener('submit', (e) => {
  e.preventDefault(); // the key must never end up in a URL
  openMeter().catch((err) => say(`Something went wrong: ${err instanceof Error ? err.message : String(err)}`));
});
periodSelect.addEventListener('change', () => {
  if (!opened) return;
  openPeriod(opened.meterId, opened.key, periods[Number(periodSelect.value)]).catch((err) => say(`Something went wrong: ${err instanceof Error ? err.message : String(err)}`));
});
proveButton.addEventListener('click', () => {
  proveAndSend().catch((err) => say(`Something went wrong: ${err instanceof Error ? err.message : String(err)}`));
});

if (!window.isSecureContext || !crypto.subtle) {
  say('This page needs a secure connection (https, or http on this computer itself) to decrypt your readings. Open it through the https address of the service.');
  openButton.disabled = true;
}
const preset = new URLSearchParams(location.search).get('meter');
if (preset) meterInput.value = preset;
