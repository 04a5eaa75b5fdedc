/**
 * `meterproof verify` and `meterproof trust fetch`: offline verification anchored to what the verifier
 * chooses (prover/trust.ts) — an operator-signed trust snapshot, explicit pins, or nothing (then the output
 * names the facts only the file vouches for, and --strict refuses). The verification code and the kinds are
 * imported when a command runs.
 */
import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import type { ResultJson } from '../prover/result.js';
import { readJson, readRequest, UsageError, writeJson } from './io.js';

/** Every kind's document flags, once per flag: a pin is read for the field the result's kind gives that flag. */
async function documentFlags(): Promise<{ flag: string; kinds: string[] }[]> {
  const { KINDS } = await import('../kinds/registry.js');
  const byFlag = new Map<string, { flag: string; kinds: string[] }>();
  for (const k of Object.values(KINDS)) {
    for (const f of k.flags.filter((x) => x.type === 'document')) {
      const entry = byFlag.get(f.flag) ?? { flag: f.flag, kinds: [] };
      entry.kinds.push(k.kind);
      byFlag.set(f.flag, entry);
    }
  }
  return [...byFlag.values()];
}

const attribute = (flag: string) => new Option(flag).attributeName();

function instant(text: string): number {
  const t = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(t)) throw new Error(`--received-at takes an ISO 8601 instant such as 2026-03-01T12:00:00Z, not ${JSON.stringify(text)}`);
  return t;
}

/** `withPins`: the command run is `verify`, which then takes the kinds' document flags (loading the kinds). */
export async function registerVerifyCommands(program: Command, printOutputs: (r: Pick<ResultJson, 'outputs' | 'units'>) => void, withPins: boolean): Promise<void> {
  const verify = program
    .command('verify')
    .description(
      'verify a result file of any kind: the proof against the locally pinned verification key, and its statement against the trust anchors you choose ' +
        '(--trust snapshot, or pins); without anchors it says which facts only the file vouches for. Exit 0 only if valid (and, with --strict, fully anchored)',
    )
    .argument('<result.json>', 'result file')
    .option('--trust <snapshot.json>', 'operator-signed trust snapshot saved by `meterproof trust fetch`: registered meter keys, tariff assignments, published documents')
    .option('--operator-key <hex>', 'the operator key the snapshot must be signed with (Ed25519 public key, 64 hex digits)')
    .option('--meter-key <key>', 'pin the meter key: "x,y" (decimal coordinates) or its fingerprint as verify prints it')
    .option('--documents <dir...>', 'folders of published documents (JSON files) for a result that refers to them by digest')
    .option('--strict', 'refuse unless the meter key and every document are anchored by the snapshot or a pin')
    .option('--request <request.json|url>', "the service's signed request the result must answer (docs/requests.md), from a file, its https URL or a household page link (…/?request=): its signature, expiry, and the result's request digest, kind, period and documents")
    .option('--received-at <instant>', 'when the service received the result (ISO 8601; default now): the request must not have expired then');
  const pins = withPins ? await documentFlags() : [];
  for (const d of pins) verify.option(d.flag, `pin this document of a ${d.kinds.join(' / ')} result (its digest must match)`);
  verify.action(async (file: string, o: Record<string, string | string[] | boolean | undefined>) => {
    const [{ openSnapshot, parseMeterKeyPin, parseOperatorKey, verifyTrusted }, { folderDocuments }, { KINDS }] = await Promise.all([import('../prover/trust.js'), import('../prover/documents.js'), import('../kinds/registry.js')]);
    const json = readJson(file, 'result') as { kind?: unknown };
    const usage = <T>(f: () => T): T => {
      try {
        return f();
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    };

    const operatorKey = typeof o.operatorKey === 'string' ? usage(() => parseOperatorKey(o.operatorKey as string)) : undefined;
    let snapshot;
    if (typeof o.trust === 'string') {
      const opened = await openSnapshot(readJson(o.trust, 'trust snapshot'), operatorKey).catch((e: Error) => {
        throw new UsageError(`trust snapshot ${o.trust}: ${e.message}`);
      });
      snapshot = opened.snapshot;
      console.error(`trust: snapshot of ${snapshot.operator} issued ${snapshot.issuedAt}, operator key ed25519:${opened.operatorKey}${operatorKey ? ' (pinned)' : ''}`);
    } else if (operatorKey) throw new UsageError('--operator-key checks a trust snapshot: give --trust <snapshot.json> too');

    // document pins: the flags given, read for the fields of the result's kind
    const kind = typeof json?.kind === 'string' && Object.hasOwn(KINDS, json.kind) ? KINDS[json.kind] : undefined;
    const documents: Record<string, unknown> = {};
    for (const d of pins) {
      const path = o[attribute(d.flag)];
      if (typeof path !== 'string') continue;
      const field = kind?.flags.find((f) => f.flag === d.flag)?.field;
      if (!field) throw new UsageError(`${d.flag.split(' ')[0]} pins a document of a ${d.kinds.join(' / ')} result, not of this ${kind?.kind ?? 'unknown kind of'} result`);
      documents[field] = readJson(path, field);
    }
    const folders = ((o.documents as string[] | undefined) ?? []).map((dir) => usage(() => folderDocuments(dir)));
    const verified = await verifyTrusted(json, {
      anchors: { snapshot, meterKey: typeof o.meterKey === 'string' ? usage(() => parseMeterKeyPin(o.meterKey as string)) : undefined, documents },
      strict: o.strict === true,
      documents: [(digest) => folders.find((f) => f.has(digest))?.get(digest)],
      request: typeof o.request === 'string' ? await readRequest(o.request) : undefined,
      receivedAt: typeof o.receivedAt === 'string' ? usage(() => instant(o.receivedAt as string)) : undefined,
    });

    const s = verified.result.statement;
    // the system is named when it is not the default Groth16
    const what = `${verified.circuit.id} ${verified.kind.kind} ${verified.system === 'groth16' ? '' : `${verified.system} `}proof for meter ${s.meterId}, ${s.period.start} + ${s.period.days} days`;
    const { facts, unanchored } = verified.trust;
    console.log(unanchored.length === 0 ? `VALID ${what}` : `VALID PROOF, UNANCHORED STATEMENT: ${what}`);
    printOutputs(verified.result);
    const answers = verified.trust.answers;
    if (answers) console.log(`  answers request ${answers.digest} of ${answers.service} (ed25519:${answers.publicKey})`);
    else if (s.request) console.log(`  answers request ${s.request} (which service asked is not checked: give --request <request.json>)`);
    for (const f of facts) {
      const name = f.fact === 'meterKey' ? 'meter key' : f.fact;
      const by = f.anchor === 'snapshot' ? 'registered in the trust snapshot' : f.anchor === 'pin' ? 'pinned' : 'ONLY FROM THE FILE';
      console.log(`  ${name.padEnd(14)}${f.fact === 'meterKey' ? 'fingerprint' : 'digest'} ${f.id}  ${by}`);
    }
    if (unanchored.length) {
      console.log('  A proof under another meter key or other documents is just as valid: anchor these with --trust <snapshot> or pins (--meter-key, --tariff, …), or refuse with --strict.');
    }
  });

  const trust = program.command('trust').description('trust anchors for offline verification');
  trust
    .command('fetch')
    .description(
      "save the verifier API's operator-signed trust snapshot after checking its signature: against --operator-key, else the key of the snapshot already at --out, else trust on first use (the key is printed: check it against the one the operator publishes)",
    )
    .requiredOption('--from <url>', 'verifier API base URL, e.g. https://api.example.org')
    .option('--api-key <key>', 'API key of any role (default $METERPROOF_API_KEY)')
    .option('--operator-key <hex>', "the operator's Ed25519 public key (64 hex digits)")
    .option('--out <file>', 'where to save the snapshot', 'trust-snapshot.json')
    .action(async (o: { from: string; apiKey?: string; operatorKey?: string; out: string }) => {
      const { openSnapshot, parseOperatorKey } = await import('../prover/trust.js');
      const apiKey = o.apiKey ?? process.env.METERPROOF_API_KEY;
      if (!apiKey) throw new UsageError('the snapshot needs an API key: give --api-key or set METERPROOF_API_KEY');
      let pinned: string | undefined;
      let how = 'pinned with --operator-key';
      if (o.operatorKey) {
        try {
          pinned = parseOperatorKey(o.operatorKey);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
      } else if (existsSync(o.out)) {
        pinned = (await openSnapshot(readJson(o.out, 'saved trust snapshot')).catch((e: Error) => {
          throw new UsageError(`the snapshot already at ${o.out} cannot pin the operator key (${e.message}); give --operator-key`);
        })).operatorKey;
        how = `the key of the snapshot already at ${o.out}`;
      }
      const url = new URL('/v1/trust/snapshot', o.from);
      let response: Response;
      try {
        response = await fetch(url, { headers: { authorization: `Bearer ${apiKey}` }, signal: AbortSignal.timeout(60_000) });
      } catch (e) {
        throw new UsageError(`cannot reach ${url.origin}: ${(e as Error).cause ? String(((e as Error).cause as Error).message ?? (e as Error).cause) : (e as Error).message}`);
      }
      const body = (await response.json().catch(() => undefined)) as { error?: { code: string; message: string } } | undefined;
      if (!response.ok) throw new UsageError(`${url.href} answered ${response.status}${body?.error ? ` (${body.error.code}): ${body.error.message}` : ''}`);
      const opened = await openSnapshot(body, pinned).catch((e: Error) => {
        throw new UsageError(`refused the snapshot from ${url.origin}: ${e.message}`);
      });
      writeJson(o.out, body);
      const s = opened.snapshot;
      console.log(`trust snapshot of ${s.operator} (${s.meters.length} meters, ${s.documents.length} documents, issued ${s.issuedAt}) → ${o.out}`);
      if (pinned) console.log(`operator key ed25519:${opened.operatorKey} (${how})`);
      else {
        console.log(`operator key ed25519:${opened.operatorKey}`);
        console.log('  trusted on first use: check it against the key the operator publishes; later fetches to this file must be signed by it (or give --operator-key)');
      }
    });
}
