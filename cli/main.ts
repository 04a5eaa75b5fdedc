/**
 * The `meterproof` command line. Every command has --help; bad input ends with exit code 1 and a
 * one-line reason on stderr ("meterproof: …").
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { dayOf, isoDay } from '../core/time.js';
import { DAY_NUMBER_UNIT, microPenceToPounds } from '../core/units.js';
import type { UserKeyRecord } from '../meter/encryption/index.js';
import type { ProofSystem } from '../core/proof-systems.js';
import type { ResultJson } from '../prover/result.js';
import { RequestRefused, ResultRejected, ResultUntrusted } from '../prover/verify-light.js';
import { parseCount, readJson, readText, UsageError, writeJson } from './io.js';
import { registerVerifyCommands } from './verify.js';
import { registerApiCommands } from '../verifier-api/cli.js';
import { registerCeremonyCommands } from './ceremony.js';
import { registerKeyCommands } from './keys.js';
import { kindCommandModules } from './kind-commands.js';

// Commands import what they run on (`await import`): the kinds, the schemas, the provers, the circuit compiler
// and the server. A start loads only commander and the commands' descriptions, and the kinds' flags (`prove
// <kind>`, verify's document pins) are read only when their command is the one run (or asked for help).
const invoked = (() => {
  const words = process.argv.slice(2).filter((a) => !a.startsWith('-')); // the one global option, --production, takes no value
  return words[0] === 'help' ? words[1] : words[0];
})();

const program = new Command('meterproof')
  .description('Certified, privacy-friendly computations on smart-meter readings (Groth16 proofs).')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

const meter = program.command('meter').description('the meter core: keys and signed readings');

meter
  .command('keygen')
  .description('create a meter key pair (EdDSA on Baby Jubjub)')
  .requiredOption('--out <file>', 'where to write the key file (mode 600)')
  .option('--id <meterId>', 'meter id (1-31 of A-Z a-z 0-9 . _ -)', `MTR-${Date.now().toString(36).toUpperCase()}`)
  .action(async (o: { out: string; id: string }) => {
    const { generateMeterKey, writeMeterKey } = await import('../meter/meter-key.js');
    const key = await generateMeterKey(o.id);
    writeMeterKey(o.out, key);
    console.log(`meter ${key.meterId}: key written to ${o.out}`);
    console.log(`public key: [${key.publicKey.join(', ')}]`);
  });

meter
  .command('sign')
  .description('run the meter core over a CSV of readings and write a certified readings bundle')
  .requiredOption('--key <file>', 'meter key file')
  .requiredOption('--readings <file>', 'CSV: London layout (LCLid,tstp,energy(kWh/hh)) or timestamp,kwh')
  .requiredOption('--from <YYYY-MM-DD>', 'first day of the period (UTC)')
  .requiredOption('--days <n>', 'number of days')
  .requiredOption('--out <file>', 'bundle file to write')
  .addOption(new Option('--fill <policy>', 'missing slots: refuse, or count them as zero').choices(['refuse', 'zero']).default('refuse'))
  .addOption(new Option('--layout <layout>', 'CSV layout').choices(['auto', 'lcl', 'generic']).default('auto'))
  .action(async (o: { key: string; readings: string; from: string; days: string; out: string; fill: 'refuse' | 'zero'; layout: 'auto' | 'lcl' | 'generic' }) => {
    const [{ readMeterKey }, { importReadingsCsv }, { MeterCore }, { assembleBundle, bundleToJson }] = await Promise.all([
      import('../meter/meter-key.js'),
      import('../meter/import/readings.js'),
      import('../meter/meter-core.js'),
      import('../meter/bundle.js'),
    ]);
    const key = await readMeterKey(o.key).catch((e: Error) => {
      throw new UsageError(`cannot use key ${o.key}: ${e.message}`);
    });
    const startDay = parseDay(o.from);
    const days = parseCount(o.days, '--days', 1, 366);
    const imported = importReadingsCsv(readText(o.readings, 'readings'), { layout: o.layout, fill: o.fill, fromDay: startDay, days });
    if (imported.meterId !== undefined && imported.meterId !== key.meterId) {
      throw new UsageError(`the readings belong to meter ${imported.meterId} but the key is meter ${key.meterId}'s`);
    }
    const core = await MeterCore.commission(key, startDay);
    const records = [];
    for (let d = 0; d < days; d++) records.push(await core.recordDay(imported.readingsWh.slice(d * 48, (d + 1) * 48)));
    writeJson(o.out, bundleToJson(assembleBundle(key.meterId, key.publicKey, records, startDay, days)));
    console.log(`certified ${days} day(s) of readings of meter ${key.meterId} → ${o.out}`);
  });

meter
  .command('user-key')
  .description("print a fresh household user key (XXXX-XXXX-XXXX-XXXX-XXXX), or rotate a meter's key record on a change of tenant")
  .option('--id <meterId>', 'meter id the key is for (new key)')
  .option('--out <file>', 'also write the key record (meter id, generation, key id, key) to this file (mode 600)')
  .option('--rotate <file>', 'key record to rotate: replaced by a new key with the next generation')
  .action(async (o: { id?: string; out?: string; rotate?: string }) => {
    const { generateUserKey, parseUserKeyRecord, rotateUserKey } = await import('../meter/encryption/index.js');
    let record: UserKeyRecord;
    if (o.rotate) {
      record = rotateUserKey(parseUserKeyRecord(readJson(o.rotate, 'user-key record')));
      writeKeyRecord(o.out ?? o.rotate, record);
    } else {
      if (!o.id) throw new UsageError('--id <meterId> is needed for a new user key (or --rotate <file>)');
      record = generateUserKey(o.id);
      if (o.out) writeKeyRecord(o.out, record);
    }
    console.log(record.key);
    console.error(`meter ${record.meterId}: user key generation ${record.generation} (key id ${record.keyId})${o.out || o.rotate ? ` → ${o.out ?? o.rotate}` : ''}`);
  });

meter
  .command('encrypt')
  .description('encrypt a certified readings bundle under a household user key (AES-256-GCM, Argon2id)')
  .requiredOption('--bundle <file>', 'certified readings bundle')
  .option('--user-key <key>', 'user key XXXX-XXXX-XXXX-XXXX-XXXX (default: $METERPROOF_USER_KEY)')
  .option('--generation <n>', 'generation of --user-key, recorded in the envelope', '1')
  .option('--user-key-file <file>', 'key record from `meter user-key --out` (instead of --user-key)')
  .option('--out <file>', 'envelope to write (default: the bundle file name with .enc.json)')
  .action(async (o: { bundle: string; userKey?: string; generation: string; userKeyFile?: string; out?: string }) => {
    const [{ bundleToJson, parseBundle }, { encryptBundle, parseUserKey, parseUserKeyRecord, userKeyRecord }] = await Promise.all([import('../meter/bundle.js'), import('../meter/encryption/index.js')]);
    const bundle = (() => {
      try {
        return bundleToJson(parseBundle(readJson(o.bundle, 'bundle')));
      } catch (e) {
        throw e instanceof UsageError ? e : new UsageError(`cannot use bundle ${o.bundle}: ${(e as Error).message}`);
      }
    })();
    let record: UserKeyRecord;
    if (o.userKeyFile) {
      if (o.userKey) throw new UsageError('give either --user-key or --user-key-file, not both');
      record = parseUserKeyRecord(readJson(o.userKeyFile, 'user-key record'));
    } else {
      const key = parseUserKey(userKeyArgument(o.userKey));
      const generation = parseCount(o.generation, '--generation', 1, 1e9);
      record = userKeyRecord(bundle.meter.id, generation, key);
    }
    const out = o.out ?? o.bundle.replace(/(\.json)?$/, '.enc.json');
    writeJson(out, await encryptBundle(bundle, record));
    console.log(out);
  });

meter
  .command('decrypt')
  .description('decrypt an encrypted readings bundle with the household user key')
  .requiredOption('--in <file>', 'encrypted bundle (meterproof-encrypted-bundle/1)')
  .option('--user-key <key>', 'user key XXXX-XXXX-XXXX-XXXX-XXXX (default: $METERPROOF_USER_KEY)')
  .requiredOption('--out <file>', 'bundle file to write')
  .action(async (o: { in: string; userKey?: string; out: string }) => {
    const [{ bundleToJson, parseBundle }, { decryptBundle, parseEncryptedBundle }] = await Promise.all([import('../meter/bundle.js'), import('../meter/encryption/index.js')]);
    const envelope = parseEncryptedBundle(readJson(o.in, 'encrypted bundle'));
    const bundle = parseBundle(await decryptBundle(envelope, userKeyArgument(o.userKey)));
    writeJson(o.out, bundleToJson(bundle));
    console.log(`decrypted ${bundle.days} day(s) of readings of meter ${bundle.meterId} → ${o.out}`);
  });

function userKeyArgument(given: string | undefined): string {
  const key = given ?? process.env.METERPROOF_USER_KEY;
  if (!key) throw new UsageError('no user key: give --user-key or set METERPROOF_USER_KEY');
  return key;
}

function writeKeyRecord(path: string, record: UserKeyRecord): void {
  writeFileSync(path, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  chmodSync(path, 0o600); // also when rotating a file that already existed
}

const tariff = program.command('tariff').description('tariffs and value-of-energy vectors');
tariff
  .command('import')
  .description('convert a price CSV into a meterproof tariff (or value-of-energy) document')
  .addOption(new Option('--format <format>', 'input layout').choices(['agile', 'lcl-dtou', 'csv']).makeOptionMandatory())
  .requiredOption('--in <file>', 'input CSV')
  .requiredOption('--out <file>', 'tariff JSON to write')
  .option('--id <id>', 'tariff id')
  .option('--name <name>', 'tariff name')
  .option('--standing-charge <mp>', 'standing charge in milli-pence per day', '0')
  .addOption(new Option('--kind <kind>', 'document kind').choices(['tariff', 'value-of-energy']).default('tariff'))
  .action(async (o: { format: 'agile' | 'lcl-dtou' | 'csv'; in: string; out: string; id?: string; name?: string; standingCharge: string; kind: 'tariff' | 'value-of-energy' }) => {
    const { importTariff } = await import('../tariff/import.js');
    const standing = parseCount(o.standingCharge, '--standing-charge', 0, 1e12);
    const doc = importTariff(o.format, readText(o.in, 'price file'), { id: o.id, name: o.name, standingChargePerDay: standing, kind: o.kind });
    writeJson(o.out, doc);
    console.log(`tariff written to ${o.out}`);
  });

const prove = program.command('prove').description('prove a certified result of one kind from a bundle and the published documents');
if (invoked === 'prove') (await import('./prove.js')).registerProveCommands(prove, printOutputs);

program
  .command('challenge')
  .description('issue a sampling challenge: a fresh random seed for one meter and period (keep it: a sampling proof is checked against it)')
  .requiredOption('--meter <meterId>', 'meter id')
  .requiredOption('--from <YYYY-MM-DD>', 'first day of the period (UTC)')
  .requiredOption('--days <n>', 'number of days')
  .requiredOption('--issuer <name>', 'who issues the challenge (the verifier)')
  .requiredOption('--out <file>', 'challenge file to write')
  .action(async (o: { meter: string; from: string; days: string; issuer: string; out: string }) => {
    const { newChallenge } = await import('../kinds/sampling/circuit.js');
    parseDay(o.from);
    let challenge;
    try {
      challenge = newChallenge({ issuer: o.issuer, meterId: o.meter, period: { start: o.from, days: parseCount(o.days, '--days', 1, 366) } });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    writeJson(o.out, challenge);
    console.log(`challenge ${challenge.id} for meter ${o.meter}, ${o.from} + ${o.days} days written to ${o.out}`);
  });

await registerVerifyCommands(program, printOutputs, invoked === 'verify');

program
  .command('setup')
  .description('compile every circuit and build its proving and verification keys (cached by content hash)')
  .option('--ptau <file>', 'phase-1 file from a real ceremony; without it a single-party INSECURE development ceremony is run')
  .option('--circuit <id...>', 'only these circuits')
  .addOption(
    new Option('--system <system...>', 'proof systems to set up: groth16 (per-circuit ceremony), plonk and fflonk (universal: without --ptau an INSECURE development phase 1 with known tau)')
      .choices(['groth16', 'plonk', 'fflonk'])
      .default(['groth16']),
  )
  .action(async (o: { ptau?: string; circuit?: string[]; system: ProofSystem[] }) => {
    const { setupCircuits } = await import('./setup.js');
    await setupCircuits({ ptauPath: o.ptau, only: o.circuit, systems: o.system, log: (m) => console.log(m) });
  });

registerApiCommands(program);
// a kind's own commands beyond `prove <kind>`, from the modules its declaration names (kinds/<kind>/cli/)
for (const module of await kindCommandModules()) ((await import(`../${module}`)) as { registerCommands(p: Command): void }).registerCommands(program);
registerCeremonyCommands(program);
registerKeyCommands(program);

function parseDay(text: string): number {
  try {
    return dayOf(text);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** One line per output, with its unit; amounts of money also in pounds, day numbers also as dates. */
function printOutputs(r: Pick<ResultJson, 'outputs' | 'units'>): void {
  for (const [name, value] of Object.entries(r.outputs)) {
    const unit = r.units[name] === 'micro-pence' ? 'µp' : (r.units[name] ?? '');
    const shown = Array.isArray(value) ? `[${value.join(', ')}]` : value;
    const readable = Array.isArray(value) ? '' : unit === 'µp' ? ` (${microPenceToPounds(BigInt(value))})` : unit === DAY_NUMBER_UNIT ? ` (${isoDay(Number(value))})` : '';
    console.log(`  ${name.padEnd(12)}${shown} ${unit}${readable}`);
  }
}

async function main(): Promise<number> {
  try {
    await program.parseAsync(process.argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1; // commander already printed the reason
    if (e instanceof ResultRejected) {
      console.error(`meterproof: INVALID (${e.code}): ${e.message}`);
      return 1;
    }
    if (e instanceof RequestRefused) {
      console.error(`meterproof: REQUEST REFUSED (${e.code}): ${e.message}`);
      return 1;
    }
    if (e instanceof ResultUntrusted) {
      console.error(`meterproof: UNTRUSTED (${e.code}${e.reason ? `, ${e.reason}` : ''}): ${e.message}`);
      return 1;
    }
    console.error(`meterproof: ${(e as Error).message.split('\n')[0]}`);
    if (process.env.METERPROOF_DEBUG) console.error(e);
    return 1;
  } finally {
    // snarkjs's worker threads keep the process alive; the curve exists only if a command loaded snarkjs
    if ((globalThis as { curve_bn128?: unknown }).curve_bn128) await (await import('../prover/backend.js')).releaseCurve();
  }
}

process.exitCode = await main();
