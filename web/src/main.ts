/**
 * The household page (docs/web-app.md): meter id + key → the encrypted readings from the service →
 * decrypted in a worker → chart (and, for a bill, the bill by price band) drawn here → the household picks
 * what to prove (every kind of the registry, each with what it reveals) → "Prove and send": the proof is
 * made in the worker, only the result file is sent → receipt with the certified outputs, saved on this
 * device and downloadable.
 */
import { dayOf } from '../../core/time.js';
import { formatScaled, microPenceToPounds } from '../../core/units.js';
import type { BundleJson } from '../../meter/bundle-format.js';
import { parseUserKey, UserKeyError } from '../../meter/encryption/user-key.js';
import { assertMeterId } from '../../meter/meter-id.js';
import { billingStatement } from '../../kinds/bill/statement.js';
import type { FieldFlag } from '../../kinds/kind.js';
import { KINDS } from '../../kinds/registry.js';
import { parseTariff } from '../../tariff/model.js';
import { api, ServiceError, type Certified, type Period, type ProvingContext } from './api.js';
import { billBreakdown, type Breakdown } from './breakdown.js';
import { provingVerdict, refusalSentence, shorterPeriods, type Device } from './capacity.js';
import { BAND_LETTERS, bandSwatch, consumptionChart } from './chart.js';
import { failureSentence, serviceSentence, type Where } from './messages.js';
import type { Failure, FromWorker, Reply, Request, Stage } from './protocol.js';
import { loadReceipts, saveReceipt, type StoredReceipt } from './receipts.js';
import { deliverToRequest, isRequestedPeriod, openPageRequest, pageRequest, requestProving } from './request.js';
import { daysText, localTime, outputLines, periodText } from './words.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('open-form');
const meterInput = $<HTMLInputElement>('meter-id');
const keyInput = $<HTMLInputElement>('user-key');
const openButton = $<HTMLButtonElement>('open');
const message = $<HTMLParagraphElement>('message');
const local = $<HTMLElement>('local');
const periodSelect = $<HTMLSelectElement>('period');
const kindSelect = $<HTMLSelectElement>('kind');
const fieldsBox = $<HTMLElement>('fields');
const proveButton = $<HTMLButtonElement>('prove');
const prefetchNote = $<HTMLParagraphElement>('prefetch');
const progressCard = $<HTMLElement>('progress');
const progressTitle = $<HTMLElement>('progress-title');
const progressBar = $<HTMLProgressElement>('progress-bar');
const progressStatus = $<HTMLParagraphElement>('progress-status');
const proveMessage = $<HTMLParagraphElement>('prove-message');
const elapsed = $<HTMLParagraphElement>('elapsed');
const receipt = $<HTMLElement>('receipt');
const receiptsCard = $<HTMLElement>('receipts');

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

// ?prover=snarkjs: proves with snarkjs instead of the WebAssembly core (comparisons, scripts/bench-browser.ts)
void run({ type: 'configure', prover: new URLSearchParams(location.search).get('prover') === 'snarkjs' ? 'snarkjs' : 'auto' });

const isFailure = (e: unknown): e is Failure => !!e && typeof e === 'object' && 'code' in e && !(e instanceof Error);

// ------------------------------------------------------------------------------------------ state

interface Opened {
  meterId: string;
  key: string;
  period: Period;
  bundle: BundleJson;
  decryptMs: number;
  kind: string;
  context?: ProvingContext;
  /** resolves to the time the proving files took to download (or to come from the cache) while the readings were shown */
  prefetched?: Promise<number | undefined>;
  /** set once the service certified this kind and period: a second proof would only be refused as a duplicate */
  certified?: string;
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
  /** which prover made the proof (the WebAssembly core or snarkjs, and why) */
  prover: string;
  submitMs: number;
  /** from "Prove and send" to the certified result */
  totalMs: number;
}
const exposed = { timings: undefined as PageTimings | undefined, measureKdf: () => run<'kdf'>({ type: 'kdf' }).then((r) => r.ms) };
(window as unknown as { meterproof: typeof exposed }).meterproof = exposed;

/** The kinds the page offers, the bill first. */
const PAGE_KINDS = Object.values(KINDS).sort((a, b) => Number(b.kind === 'bill') - Number(a.kind === 'bill'));

function say(text: string, kind: 'error' | 'info' = 'error') {
  message.textContent = text;
  message.className = `message ${kind}`;
  message.hidden = false;
}

/** A failure of "Prove and send", shown where the household is looking: in the progress card, focused. */
function sayNearProof(text: string) {
  progressTitle.textContent = 'Nothing was certified';
  proveMessage.textContent = text;
  proveMessage.hidden = false;
  progressStatus.textContent = '';
  progressCard.scrollIntoView({ block: 'nearest' });
  proveMessage.focus();
}

function busy(button: HTMLButtonElement, text: string | null) {
  button.dataset.label ??= button.textContent ?? '';
  button.disabled = text !== null;
  button.textContent = text ?? button.dataset.label;
}

// ------------------------------------------------------------------------------------------ opening

/**
 * The meter as registered. Meter ids are case-sensitive in the registry (docs/web-app.md) and printed on
 * meters in upper case: an id typed with lower-case letters is looked up in upper case first, then as typed.
 */
async function listing(typed: string) {
  const upper = typed.toUpperCase();
  if (upper !== typed) {
    try {
      const found = await api.envelopes(upper);
      meterInput.value = upper;
      return found;
    } catch (e) {
      if (!(e instanceof ServiceError && e.status === 404)) throw e;
    }
  }
  return api.envelopes(typed);
}

async function openMeter(): Promise<void> {
  message.hidden = true;
  local.hidden = progressCard.hidden = receipt.hidden = true;
  opened = undefined;
  const typed = meterInput.value.trim();
  try {
    assertMeterId(typed);
  } catch {
    return say(`"${typed}" is not a meter id: it has 1 to 31 letters, digits, dots, dashes or underscores, as printed on the meter.`);
  }
  let key: string;
  try {
    key = parseUserKey(keyInput.value);
  } catch (e) {
    if (e instanceof UserKeyError) return say(failureSentence({ code: 'invalid_key', message: e.message }, { meterId: typed }));
    throw e;
  }
  busy(openButton, 'Opening…');
  try {
    let list;
    try {
      list = await listing(typed);
    } catch (e) {
      return say(serviceSentence(e, 'list', { meterId: typed }));
    }
    const meterId = list.meterId;
    periods = list.items.map((i) => i.period);
    if (periods.length === 0) return say(`Meter ${meterId} has no encrypted readings on this service yet.`);
    periodSelect.replaceChildren(...periods.map((p, i) => new Option(periodText(p), String(i))));
    // a service's request names its period (request.ts)
    const first = periods.findIndex(isRequestedPeriod);
    if (first < 0) return say(`Meter ${meterId} has no readings on this service for the period the request asks about.`);
    periodSelect.value = String(first);
    await openPeriod(meterId, key, periods[first]);
  } finally {
    busy(openButton, null);
  }
}

async function openPeriod(meterId: string, key: string, period: Period): Promise<void> {
  const where: Where = { meterId, period: periodText(period) };
  message.hidden = true;
  receipt.hidden = progressCard.hidden = true;
  proveButton.disabled = true;
  prefetchNote.textContent = '';
  opened = undefined;
  let envelope;
  try {
    envelope = await api.envelope(meterId, period);
  } catch (e) {
    local.hidden = true;
    return say(serviceSentence(e, 'envelope', where));
  }
  let reply;
  try {
    reply = await run<'opened'>({ type: 'open', envelope, key });
  } catch (e) {
    local.hidden = true;
    return say(isFailure(e) ? failureSentence(e, where) : serviceSentence(e, 'envelope', where));
  }
  opened = { meterId, key, period, bundle: reply.bundle, decryptMs: reply.decryptMs, kind: kindSelect.value || 'bill' };
  await chooseKind(opened);
}

/**
 * The proving context of the chosen kind; only now, with the key checked, the proving files start to
 * download while the household looks at its readings.
 */
async function chooseKind(o: Opened): Promise<void> {
  const where: Where = { meterId: o.meterId, period: periodText(o.period) };
  const kind = KINDS[o.kind];
  message.hidden = true;
  receipt.hidden = progressCard.hidden = true;
  proveButton.disabled = true;
  resetProveButton();
  prefetchNote.textContent = '';
  o.context = o.prefetched = o.certified = undefined;
  $('reveals-learns').textContent = kind.reveals?.learns ?? kind.summary;
  $('reveals-home').textContent = kind.reveals?.staysHome ?? 'every reading and your key';
  fieldsBox.replaceChildren();
  let context: ProvingContext;
  try {
    context = await api.provingContext(o.meterId, o.period, o.kind);
  } catch (e) {
    render(o);
    return say(serviceSentence(e, 'context', { ...where, kind: o.kind }), 'info');
  }
  if (opened !== o || o.kind !== context.kind) return; // the household chose something else meanwhile
  o.context = context;
  render(o);
  showFields(o, context);
  const prefetchStarted = performance.now();
  o.prefetched = run({ type: 'prefetch', artifacts: [context.artifacts.wasm, context.artifacts.zkey] }, (stage, loaded, total) => {
    // in steps of a quarter, written only when it changes: the note is a polite live region, read out at each write
    const text = total ? `Preparing the proof: proving files ${25 * Math.floor((4 * (loaded ?? 0)) / total)}%` : prefetchNote.textContent;
    if (text !== prefetchNote.textContent) prefetchNote.textContent = text;
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
  );
  proveButton.disabled = false;
}

// ------------------------------------------------------------------------------------------ what to prove

/** The kind's statement fields beyond the documents the service names: a choice, or a number. */
function showFields(o: Opened, context: ProvingContext) {
  const inputs: HTMLElement[] = [];
  for (const flag of KINDS[o.kind].flags) {
    const id = `field-${flag.field}`;
    const label = Object.assign(document.createElement('label'), { htmlFor: id, textContent: fieldLabel(flag) });
    if (flag.type === 'document') {
      const docs = context.documents[flag.field] ?? [];
      if (docs.length === 0) continue;
      if (docs.length === 1) {
        const only = flag.onlyWith ? `; used only when ${flag.onlyWith.field} is ${flag.onlyWith.value}` : '';
        inputs.push(Object.assign(document.createElement('p'), { className: 'note', textContent: `${fieldLabel(flag)}: ${docs[0].id} (published${only})` }));
        continue;
      }
      const select = Object.assign(document.createElement('select'), { id });
      select.append(...docs.map((d, i) => new Option(d.id, String(i))));
      inputs.push(label, select);
    } else if (flag.choices) {
      const select = Object.assign(document.createElement('select'), { id });
      select.append(...flag.choices.map((c) => new Option(c, c)));
      inputs.push(label, select);
    } else {
      const input = Object.assign(document.createElement('input'), { id, type: 'number', min: '0', step: '1', value: '0', inputMode: 'numeric' });
      inputs.push(label, Object.assign(document.createElement('p'), { className: 'note', textContent: flag.description }), input);
    }
  }
  fieldsBox.replaceChildren(...inputs);
}

const fieldLabel = (f: FieldFlag) => f.description.replace(/\s*\([^)]*\)\s*$/, '').replace(/;.*$/, '').replace(/^./, (c) => c.toUpperCase());

/** The statement fields as chosen on the page. */
function chosenFields(o: Opened, context: ProvingContext): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const flag of KINDS[o.kind].flags) {
    if (flag.onlyWith && fields[flag.onlyWith.field] !== flag.onlyWith.value) continue; // a document this statement does not take
    const control = document.getElementById(`field-${flag.field}`) as HTMLInputElement | HTMLSelectElement | null;
    if (flag.type === 'document') {
      const docs = context.documents[flag.field] ?? [];
      const doc = docs[control ? Number(control.value) : 0];
      if (doc) fields[flag.field] = doc.document;
    } else if (control) {
      fields[flag.field] = flag.type === 'integer' ? Number(control.value) : control.value;
    }
  }
  return fields;
}

// ------------------------------------------------------------------------------------------ local view

function render(o: Opened) {
  const startDay = dayOf(o.period.start);
  const readings = o.bundle.readingsWh;
  let breakdown: Breakdown | undefined;
  const docs = o.context?.documents;
  if (o.kind === 'bill' && docs?.tariff?.[0] && docs.valueOfEnergy?.[0]) {
    const statement = billingStatement({
      meterId: o.meterId,
      publicKey: [BigInt(o.bundle.meter.publicKey[0]), BigInt(o.bundle.meter.publicKey[1])],
      startDay,
      days: o.period.days,
      tariff: parseTariff(docs.tariff[0].document),
      valueOfEnergy: parseTariff(docs.valueOfEnergy[0].document),
    });
    breakdown = billBreakdown(readings, statement);
  }
  const drawChart = () => {
    const box = $('chart');
    const width = box.clientWidth || 600;
    box.replaceChildren(consumptionChart(readings, startDay, breakdown?.bandOfSlot ?? readings.map(() => 4), width, width < 480 ? 160 : 200));
  };
  local.hidden = false; // laid out first, so the chart can take its width
  drawChart();
  redrawChart = drawChart;
  const kwh = readings.reduce((a, b) => a + b, 0);
  $('chart-caption').textContent = `${formatScaled(BigInt(kwh), 3)} kWh over ${periodText(o.period)}, half-hour by half-hour${breakdown ? ', by price band (letters and patterns as in the table)' : ''}.`;

  $('bill-breakdown').hidden = o.kind !== 'bill';
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
          const label = document.createElement('span');
          label.append(bandSwatch(i), ` Band ${BAND_LETTERS[i]}: `, b.minPrice === b.maxPrice ? price(b.minPrice) : `${price(b.minPrice)} – ${price(b.maxPrice)}`);
          return row([label, `${formatScaled(b.wh, 3)} kWh`, microPenceToPounds(b.cost)]);
        }),
      row(['Standing charge', daysText(o.period.days), microPenceToPounds(breakdown.standingCharge)]),
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
  // one announcement per stage for screen readers (the elapsed time is not announced)
  progressStatus.textContent = document.querySelector(`#stages li[data-stage="${stage}"]`)?.textContent ?? '';
}

function resetProveButton() {
  proveButton.textContent = proveButton.dataset.label ?? proveButton.textContent;
}

/** This device should not prove `period` at once: the reason, nothing started, and the shorter periods stored inside it. */
function refuseUpFront(reason: string, period: Period): void {
  receipt.hidden = true;
  progressCard.hidden = false;
  sayNearProof(refusalSentence(reason, period, shorterPeriods(period, periods)));
}

async function proveAndSend(): Promise<void> {
  const o = opened;
  if (!o?.context || o.certified) return;
  const ctx = o.context;
  // what this device cannot finish with the prover the worker will use is refused before anything starts
  // (capacity.ts), with the shorter periods offered
  proveButton.disabled = true; // no second click while the worker says which prover it will use
  const { prover } = await run<'prover'>({ type: 'prover' });
  if (opened !== o || o.context !== ctx) return; // the household chose something else meanwhile, which set the button
  proveButton.disabled = false;
  const device: Device = { memoryGB: (navigator as { deviceMemory?: number }).deviceMemory, cores: navigator.hardwareConcurrency };
  const verdict = provingVerdict(ctx.circuit.params.maxDays, prover, device);
  if (!verdict.ok) return refuseUpFront(verdict.reason, o.period);
  const where: Where = { meterId: o.meterId, period: periodText(o.period), kind: o.kind };
  let statement;
  try {
    statement = pageRequest ? requestProving(o, chosenFields(o, ctx)) : { fields: chosenFields(o, ctx) };
  } catch (e) {
    progressCard.hidden = false;
    return sayNearProof(`Nothing was proved for the request: ${(e as Error).message}.`);
  }
  message.hidden = true;
  receipt.hidden = true;
  proveMessage.hidden = true;
  progressTitle.textContent = 'Proving on this device';
  progressCard.hidden = false;
  progressCard.scrollIntoView({ block: 'nearest' });
  busy(proveButton, 'Proving…');
  periodSelect.disabled = kindSelect.disabled = openButton.disabled = true;
  const t0 = performance.now();
  let stage: Stage = 'download';
  let stageStarted = t0;
  // The proof's own progress is not observable: fill its share as an exponential approach, paced by its size.
  const expectedProveMs = 400 + 120 * ctx.circuit.params.maxDays;
  const tick = setInterval(() => {
    const now = performance.now();
    if (stage === 'prove') progressBar.value = BAR.prove + (BAR.submit - BAR.prove) * (1 - Math.exp(-(now - stageStarted) / expectedProveMs));
    elapsed.textContent = `${Math.floor((now - t0) / 1000)} s`;
  }, 250);
  const onProgress: Progress = (s, loaded, total) => {
    if (s !== stage) stageStarted = performance.now();
    const changed = s !== stage || progressStatus.textContent === '';
    stage = s;
    if (changed) showStage(s);
    progressBar.value = s === 'download' && total ? (BAR.decrypt * (loaded ?? 0)) / total : BAR[s];
  };
  elapsed.textContent = '0 s';
  progressStatus.textContent = '';
  onProgress('download');
  let certifiedNow = false;
  try {
    let proved;
    let prefetchMs;
    try {
      downloadWatcher = onProgress;
      prefetchMs = await o.prefetched;
      downloadWatcher = undefined;
      proved = await run<'proved'>({ type: 'prove', kind: o.kind, bundle: o.bundle, ...statement, circuit: ctx.circuit, wasm: ctx.artifacts.wasm, zkey: ctx.artifacts.zkey, device }, onProgress);
    } catch (e) {
      return sayNearProof(isFailure(e) ? failureSentence(e, where) : String(e));
    }
    onProgress('submit');
    const sent = performance.now();
    let certified: Certified;
    try {
      certified = await (pageRequest ? deliverToRequest(proved.result) : api.submit(proved.result));
    } catch (e) {
      if (e instanceof ServiceError && e.code === 'duplicate_statement') o.certified = e.body?.existingId ?? 'earlier';
      return sayNearProof(serviceSentence(e, 'submit', where));
    }
    const done = performance.now();
    progressBar.value = 1;
    showStage('submit');
    document.querySelector<HTMLLIElement>('#stages li[data-stage="submit"]')!.className = 'done';
    progressStatus.textContent = 'Certified.';
    exposed.timings = { decryptMs: o.decryptMs, prefetchMs, ...proved.timings, submitMs: done - sent, totalMs: done - t0 };
    o.certified = certified.result.id;
    certifiedNow = true;
    const stored = saveReceipt(certified, proved.result);
    showReceipt(stored, exposed.timings);
    listReceipts();
  } finally {
    downloadWatcher = undefined;
    clearInterval(tick);
    busy(proveButton, null);
    periodSelect.disabled = kindSelect.disabled = openButton.disabled = false;
    if (o.certified) {
      // a second proof of the same result would only be refused as a duplicate
      proveButton.disabled = true;
      proveButton.textContent = certifiedNow ? 'Certified' : 'Already certified';
    }
  }
}

// ------------------------------------------------------------------------------------------ receipts

function showReceipt(stored: StoredReceipt, t?: PageTimings) {
  const r = stored.certified.result;
  const kind = KINDS[r.kind];
  const fields: [string, string, string?][] = [
    ['Result id', r.id],
    ['Meter', r.meterId],
    ['Period', periodText(r.period)],
    ['What was proved', kind?.reveals?.learns ?? kind?.summary ?? r.kind],
    ...outputLines(r.outputs, r.units ?? kind?.units ?? {}, kind?.labels),
    ['Certified at', localTime(r.createdAt)],
  ];
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const timings: [string, string][] = t
    ? [
        ['Decrypt (incl. key derivation)', seconds(t.decryptMs)],
        ['Proving files', `${seconds(t.downloadMs)} (${t.downloadedBytes ? `${(t.downloadedBytes / 1e6).toFixed(1)} MB downloaded` : 'from this browser’s cache'})`],
        ['Check the readings against the meter’s signatures', seconds(t.witnessMs)],
        ['Make the proof', `${seconds(t.proveMs)} (${t.prover})`],
        ['Send and verify', seconds(t.submitMs)],
        ['Total', seconds(t.totalMs)],
      ]
    : [];
  const list = (id: string, items: [string, string, string?][]) =>
    $(id).replaceChildren(
      ...items.flatMap(([k, v, note]) => {
        const dd = Object.assign(document.createElement('dd'), { textContent: v });
        if (note) dd.append(Object.assign(document.createElement('small'), { className: 'explain', textContent: note }));
        return [Object.assign(document.createElement('dt'), { textContent: k }), dd];
      }),
    );
  list('receipt-fields', fields);
  list('timings', timings);
  $('timings-box').hidden = !t;
  $('receipt-fields').dataset.resultId = r.id;
  $('receipt-title').textContent = `${kind?.kind === 'bill' ? 'Bill' : 'Result'} certified`;
  shownReceipt = stored;
  receipt.hidden = false;
  receipt.scrollIntoView({ behavior: 'smooth', block: 'start' });
}
let shownReceipt: StoredReceipt | undefined;

/** The receipt as a JSON file: the certified result and the result file sent (outputs and proof, no reading). */
function downloadReceipt() {
  if (!shownReceipt) return;
  const url = URL.createObjectURL(new Blob([JSON.stringify(shownReceipt, null, 2) + '\n'], { type: 'application/json' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: `${shownReceipt.certified.result.id}.receipt.json` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The receipts kept on this device, newest first: found again after a reload. */
function listReceipts() {
  const all = loadReceipts();
  receiptsCard.hidden = all.length === 0;
  $('receipt-list').replaceChildren(
    ...all.map((s) => {
      const r = s.certified.result;
      const li = document.createElement('li');
      const button = Object.assign(document.createElement('button'), { type: 'button', className: 'link', textContent: `${KINDS[r.kind]?.kind ?? r.kind} · meter ${r.meterId} · ${periodText(r.period)}` });
      button.dataset.resultId = r.id;
      button.addEventListener('click', () => showReceipt(s));
      li.append(button);
      return li;
    }),
  );
}

// ------------------------------------------------------------------------------------------ wiring

const fail = (err: unknown) => say(`Something went wrong: ${err instanceof Error ? err.message : String(err)}`);
form.addEventListener('submit', (e) => {
  e.preventDefault(); // the key must never end up in a URL
  openMeter().catch(fail);
});
periodSelect.addEventListener('change', () => {
  if (!opened) return;
  openPeriod(opened.meterId, opened.key, periods[Number(periodSelect.value)]).catch(fail);
});
kindSelect.replaceChildren(...PAGE_KINDS.map((k) => new Option(k.kind === 'bill' ? 'bill (the default)' : k.kind, k.kind)));
kindSelect.addEventListener('change', () => {
  if (!opened) return;
  opened.kind = kindSelect.value;
  chooseKind(opened).catch(fail);
});
proveButton.addEventListener('click', () => {
  proveAndSend().catch((err) => sayNearProof(`Something went wrong: ${err instanceof Error ? err.message : String(err)}`));
});
$('save-receipt').addEventListener('click', downloadReceipt);
listReceipts();

if (!window.isSecureContext || !crypto.subtle) {
  say('This page needs a secure connection (https, or http on this computer itself) to decrypt your readings. Open it through the https address of the service.');
  openButton.disabled = true;
}
const preset = new URLSearchParams(location.search).get('meter');
if (preset) meterInput.value = preset;
openPageRequest(new URLSearchParams(location.search).get('request')).then((r) => {
  if (r) kindSelect.value = r.opened.kind.kind;
}, fail);
