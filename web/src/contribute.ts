/**
 * The browser contribution page (/contribute.html, served by `api serve --ceremony <dir>`): downloads the
 * ceremony's latest zkey, adds a contribution with snarkjs in this page — entropy from
 * crypto.getRandomValues plus what the contributor types, never sent anywhere — shows the contribution
 * hash to write down, and uploads the contributed zkey, which the service checks before appending it.
 */
import * as snarkjs from 'snarkjs';

interface CeremonyState {
  circuit: string;
  insecure: boolean;
  label: string;
  open: boolean;
  latest: { index: number; sha256: string; url: string };
  steps: { index: number; type: string; name: string; contributionHash: string | null }[];
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('contribute-form');
const message = $<HTMLParagraphElement>('message');

function say(text: string): void {
  message.textContent = text;
  message.hidden = false;
}

/** snarkjs prints hashes as 4 lines of 4 words; the same here, so both are easy to check side by side. */
const formatHash = (h: string): string => h.match(/.{1,32}/g)!.map((line) => line.match(/.{8}/g)!.join(' ')).join('\n');
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

async function state(): Promise<CeremonyState> {
  const res = await fetch('/v1/ceremony', { cache: 'no-store' });
  const body = await res.json();
  if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  return body as CeremonyState;
}

async function show(): Promise<CeremonyState> {
  const s = await state();
  $('state').textContent = `Circuit ${s.circuit}: ${s.steps.length - 1} step(s) so far. ${s.open ? 'Open for contributions.' : 'Closed by its beacon.'}`;
  $('steps').replaceChildren(...s.steps.slice(1).map((step) => Object.assign(document.createElement('li'), { textContent: `${step.type} by ${step.name}` })));
  if (s.insecure) {
    $('insecure').textContent = `${s.label}. Contributions here are for practice only.`;
    $('insecure').hidden = false;
  }
  $<HTMLButtonElement>('contribute').disabled = !s.open;
  return s;
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const button = $<HTMLButtonElement>('contribute');
  const name = $<HTMLInputElement>('name').value.trim();
  const token = $<HTMLInputElement>('token').value.trim();
  if (!name || !token) return say('Give your name and the invitation token.');
  button.disabled = true;
  try {
    const s = await show();
    say(`Downloading step ${s.latest.index}…`);
    const res = await fetch(s.latest.url);
    if (!res.ok) throw new Error(`download failed (HTTP ${res.status})`);
    const input = { type: 'mem', data: new Uint8Array(await res.arrayBuffer()) };
    const output: { type: 'mem'; data?: Uint8Array<ArrayBuffer> } = { type: 'mem' };
    say('Contributing (this takes a little while)…');
    const typed = $<HTMLTextAreaElement>('entropy');
    const entropy = hex(crypto.getRandomValues(new Uint8Array(64))) + typed.value;
    typed.value = '';
    const hash: Uint8Array = await snarkjs.zKey.contribute(input, output, name, entropy);
    $('hash').textContent = formatHash(hex(hash));
    $('result').hidden = false;
    say('Sending the contributed key (your secret stays here)…');
    const up = await fetch('/v1/ceremony/contributions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', 'X-Ceremony-Token': token, 'X-Ceremony-After': s.latest.sha256 },
      body: new Blob([output.data!]),
    });
    const body = await up.json();
    if (!up.ok) throw new Error(body?.error?.message ?? `HTTP ${up.status}`);
    const same = body.contributionHash === hex(hash);
    $('accepted').textContent = same ? `Accepted as step ${body.index}; the service computed the same hash.` : `Accepted as step ${body.index}, but the service reports a different hash: tell the coordinator.`;
    say(same ? 'Thank you: your contribution is in.' : 'Your contribution was accepted with a different hash.');
    await show();
  } catch (err) {
    say(`Not contributed: ${(err as Error).message}`);
    button.disabled = false;
  }
});

show().catch((err) => say(`The ceremony cannot be shown: ${(err as Error).message}`));
