import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { REPO_ROOT } from '../../core/paths.js';
import { bundleToJson, parseBundle, type BundleJson } from '../../meter/bundle.js';
import { cliRunner } from '../support/cli.js';
import {
  CROCKFORD_ALPHABET,
  DecryptionError,
  decryptBundle,
  DEFAULT_KDF,
  encryptBundle,
  ENCRYPTED_BUNDLE_FORMAT,
  generateUserKey,
  type KdfParams,
  measureKdf,
  parseUserKey,
  parseUserKeyRecord,
  randomUserKey,
  rotateUserKey,
  USER_KEY_CHARS,
  USER_KEY_DATA_CHARS,
  USER_KEY_ENTROPY_BITS,
  userKeyId,
  UserKeyError,
} from '../../meter/encryption/index.js';

/** Weak Argon2id parameters so the many library tests stay fast; the CLI and one test use the defaults. */
const FAST: KdfParams = { memoryKiB: 64, iterations: 1, parallelism: 1 };

/** A structurally valid one-day bundle (2023-01-01 = day 19358: group 3871, 3 days = 9 pending elements). */
function sampleBundle(meterId = 'MTR-ENC', start = '2023-01-01'): BundleJson {
  const json: BundleJson = {
    format: 'meterproof-bundle/1',
    meter: { id: meterId, publicKey: ['123', '456'] },
    period: { start, days: 1 },
    readingsWh: Array.from({ length: 48 }, (_, i) => 100 + i),
    chainStart: { group: 3871, value: '789', pending: Array.from({ length: 9 }, (_, i) => String(i + 1)) },
    certificate: { endDay: '2023-01-02', signature: { R8x: '1', R8y: '2', S: '3' } },
  };
  return bundleToJson(parseBundle(json));
}

async function rejects(p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof DecryptionError, `expected a DecryptionError, got ${e}`);
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('user keys', () => {
  test('entropy ≥ 80 bits from the alphabet and length', () => {
    assert.equal(CROCKFORD_ALPHABET.length, 32);
    assert.equal(new Set(CROCKFORD_ALPHABET).size, 32);
    assert.equal(USER_KEY_CHARS, 20);
    assert.equal(USER_KEY_ENTROPY_BITS, USER_KEY_DATA_CHARS * 5);
    assert.ok(USER_KEY_ENTROPY_BITS >= 80, `${USER_KEY_ENTROPY_BITS} bits`);
    const key = randomUserKey();
    assert.match(key, /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
    assert.equal(parseUserKey(key), key);
    const many = new Set(Array.from({ length: 200 }, randomUserKey));
    assert.equal(many.size, 200);
  });

  test('typo-tolerant parsing: case, O/0, I/L/1, dashes and spaces', () => {
    // Find a valid key containing 0 and 1 so the look-alikes can be exercised.
    let key = randomUserKey();
    while (!/0/.test(key.slice(0, -1)) || !/1/.test(key.slice(0, -1))) key = randomUserKey();
    const typed = key.slice(0, -1).replace(/0/g, 'o').replace(/1/, 'I').replace(/1/g, 'l') + key.slice(-1);
    for (const variant of [key.toLowerCase(), key.replace(/-/g, ''), ` ${key.replace(/-/g, ' ')} `, key.replace(/-/g, '--'), key.slice(0, 3) + '-' + key.slice(3).replace(/-/g, ''), typed, typed.toLowerCase()]) {
      assert.equal(parseUserKey(variant), key, variant);
    }
  });

  test('a mistyped character, a swap, a wrong check character or a bad length is rejected', () => {
    const key = randomUserKey();
    const compact = key.replace(/-/g, '');
    const at = (i: number, c: string) => compact.slice(0, i) + c + compact.slice(i + 1);
    // Every single-character substitution at every position.
    for (let i = 0; i < compact.length; i++) {
      for (const c of CROCKFORD_ALPHABET) {
        if (c !== compact[i]) assert.throws(() => parseUserKey(at(i, c)), /check character does not match/);
      }
    }
    // Every swap of two different characters.
    for (let i = 0; i < compact.length; i++) {
      for (let j = i + 1; j < compact.length; j++) {
        if (compact[i] !== compact[j]) assert.throws(() => parseUserKey(at(j, compact[i]).slice(0, i) + compact[j] + at(j, compact[i]).slice(i + 1)), UserKeyError);
      }
    }
    assert.throws(() => parseUserKey(compact.slice(0, -1)), /expected 20 characters .* got 19/);
    assert.throws(() => parseUserKey(compact + '0'), /got 21/);
    assert.throws(() => parseUserKey(at(3, 'U')), /"U" is not a key character/);
    assert.throws(() => parseUserKey(at(3, '!')), /not a key character/);
  });

  test('rotation: next generation, new key, new key id; records round-trip', () => {
    const first = generateUserKey('MTR-ENC');
    assert.equal(first.generation, 1);
    assert.equal(first.keyId, userKeyId(first.key));
    const second = rotateUserKey(first);
    assert.equal(second.generation, 2);
    assert.equal(second.meterId, 'MTR-ENC');
    assert.notEqual(second.key, first.key);
    assert.notEqual(second.keyId, first.keyId);
    assert.deepEqual(parseUserKeyRecord(JSON.parse(JSON.stringify(second))), second);
    assert.throws(() => parseUserKeyRecord({ ...second, keyId: first.keyId }), /keyId does not match/);
  });
});

describe('encrypted bundles', () => {
  const bundle = sampleBundle();
  const userKey = generateUserKey('MTR-ENC');

  test('round trip; the envelope shows only meter id, period, key generation/id and parameters', async () => {
    const envelope = await encryptBundle(bundle, userKey, { kdf: FAST });
    assert.equal(envelope.format, ENCRYPTED_BUNDLE_FORMAT);
    assert.equal(envelope.meterId, 'MTR-ENC');
    assert.deepEqual(envelope.period, { start: '2023-01-01', days: 1 });
    assert.deepEqual(envelope.key, { generation: 1, id: userKey.keyId });
    assert.deepEqual(envelope.kdf, { name: 'argon2id', version: 0x13, ...FAST });
    assert.equal(envelope.cipher, 'AES-256-GCM');
    assert.ok(!JSON.stringify(envelope).includes('readingsWh'));
    assert.deepEqual(await decryptBundle(envelope, userKey.key.toLowerCase()), bundle);
    const again = await encryptBundle(bundle, userKey, { kdf: FAST });
    assert.notEqual(again.salt, envelope.salt);
    assert.notEqual(again.nonce, envelope.nonce);
    assert.notEqual(again.ciphertext, envelope.ciphertext);
  });

  test('default Argon2id parameters: round trip and timing', async () => {
    const envelope = await encryptBundle(bundle, userKey);
    assert.deepEqual(envelope.kdf, { name: 'argon2id', version: 0x13, ...DEFAULT_KDF });
    const ms = await measureKdf();
    console.log(`# Argon2id m=${DEFAULT_KDF.memoryKiB} KiB t=${DEFAULT_KDF.iterations} p=${DEFAULT_KDF.parallelism}: ${ms.toFixed(0)} ms`);
    assert.deepEqual(await decryptBundle(JSON.parse(JSON.stringify(envelope)), userKey.key), bundle);
  });

  test('a wrong key fails clearly, before any key derivation', async () => {
    const sealed = await encryptBundle(bundle, userKey, { kdf: FAST });
    const envelope = { ...sealed, kdf: { ...sealed.kdf, memoryKiB: 1 << 20 } }; // 1 GiB: would take long to derive
    await rejects(decryptBundle(envelope, randomUserKey()), 'wrong_key', /wrong user key: the bundle was encrypted with key generation 1/);
    await assert.rejects(decryptBundle(envelope, 'not-a-key'), UserKeyError);
  });

  test('a wrong key that claims the right key id still fails authentication', async () => {
    const other = randomUserKey();
    const envelope = await encryptBundle(bundle, userKey, { kdf: FAST });
    await rejects(decryptBundle({ ...envelope, key: { ...envelope.key, id: userKeyId(other) } }, other), 'authentication_failed', /authentication failed/);
  });

  test('after rotation the old key opens nothing new', async () => {
    const rotated = rotateUserKey(userKey);
    const envelope = await encryptBundle(bundle, rotated, { kdf: FAST });
    assert.deepEqual(envelope.key, { generation: 2, id: rotated.keyId });
    await rejects(decryptBundle(envelope, userKey.key), 'wrong_key', /generation 2 .*key rotation/);
    assert.deepEqual(await decryptBundle(envelope, rotated.key), bundle);
  });

  test('a flipped ciphertext bit, a swapped meter id, period, generation or parameters are rejected', async () => {
    const envelope = await encryptBundle(bundle, userKey, { kdf: FAST });
    const bytes = Uint8Array.from(atob(envelope.ciphertext), (c) => c.charCodeAt(0));
    for (const i of [0, bytes.length >> 1, bytes.length - 1]) {
      const flipped = bytes.slice();
      flipped[i] ^= 1;
      await rejects(decryptBundle({ ...envelope, ciphertext: btoa(String.fromCharCode(...flipped)) }, userKey.key), 'authentication_failed', /altered/);
    }
    const tampered = [
      { ...envelope, meterId: 'MTR-OTHER' },
      { ...envelope, period: { ...envelope.period, start: '2023-01-02' } },
      { ...envelope, period: { ...envelope.period, days: 2 } },
      { ...envelope, key: { ...envelope.key, generation: 3 } },
      { ...envelope, kdf: { ...envelope.kdf, iterations: 2 } },
      { ...envelope, nonce: btoa('\0'.repeat(12)) },
    ];
    for (const t of tampered) await rejects(decryptBundle(t, userKey.key), 'authentication_failed', /altered/);
    // Header of another meter's envelope with this ciphertext: also rejected.
    const otherKey = { ...userKey, meterId: 'MTR-TWO' };
    const other = await encryptBundle(sampleBundle('MTR-TWO', '2023-01-01'), otherKey, { kdf: FAST });
    await rejects(decryptBundle({ ...other, ciphertext: envelope.ciphertext }, userKey.key), 'authentication_failed', /altered/);
  });

  test('malformed envelopes and mismatched keys', async () => {
    const envelope = await encryptBundle(bundle, userKey, { kdf: FAST });
    await rejects(decryptBundle({ ...envelope, format: 'meterproof-encrypted-bundle/2' }, userKey.key), 'invalid_envelope', /invalid encrypted bundle/);
    await rejects(decryptBundle({ ...envelope, kdf: { ...envelope.kdf, memoryKiB: 1 << 24 } }, userKey.key), 'invalid_envelope', /memoryKiB/);
    await rejects(decryptBundle({ ...envelope, ciphertext: '%%%' }, userKey.key), 'invalid_envelope', /base64/);
    await rejects(decryptBundle(null, userKey.key), 'invalid_envelope', /invalid encrypted bundle/);
    await assert.rejects(encryptBundle(bundle, { ...userKey, meterId: 'MTR-X' }, { kdf: FAST }), /belongs to meter MTR-X/);
  });

  test('the library is browser-safe: no node: modules, no Buffer, in every module it imports', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const name = relative(REPO_ROOT, file);
      const src = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, ''); // code only
      assert.ok(!/from ['"]node:|require\(/.test(src), `${name} imports a node module`);
      assert.ok(!/\bBuffer\s*\./.test(src), `${name} uses Buffer`);
      for (const m of src.matchAll(/^(?:import|export) (?!type)[^;]*from '(\.[^']+)\.js'/gm)) visit(join(dirname(file), `${m[1]}.ts`));
    };
    for (const f of readdirSync(join(REPO_ROOT, 'meter', 'encryption')).filter((n) => n.endsWith('.ts'))) visit(join(REPO_ROOT, 'meter', 'encryption', f));
    assert.ok(seen.has(join(REPO_ROOT, 'meter', 'bundle-format.ts')));
  });
});

describe('CLI: meter user-key / encrypt / decrypt', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mp-enc-'));
  const at = (name: string) => join(dir, name);
  writeFileSync(at('bundle.json'), JSON.stringify(sampleBundle('MTR-CLI')));

  const { ok, fails } = cliRunner(dir, { METERPROOF_USER_KEY: '' });

  test('user-key → encrypt → decrypt round trip, rotation, and bad input', async () => {
    const key = (await ok('meter', 'user-key', '--id', 'MTR-CLI', '--out', 'user-key.json')).trim();
    assert.equal(parseUserKey(key), key);
    assert.equal(statSync(at('user-key.json')).mode & 0o777, 0o600);

    assert.equal((await ok('meter', 'encrypt', '--bundle', 'bundle.json', '--user-key', key.toLowerCase().replace(/-/g, ' '))).trim(), 'bundle.enc.json');
    await ok('meter', 'decrypt', '--in', 'bundle.enc.json', '--user-key', key, '--out', 'decrypted.json');
    assert.deepEqual(JSON.parse(readFileSync(at('decrypted.json'), 'utf8')), JSON.parse(readFileSync(at('bundle.json'), 'utf8')));

    // Rotation: the record file gets generation 2; the old key cannot open the new envelope.
    const rotated = (await ok('meter', 'user-key', '--rotate', 'user-key.json')).trim();
    assert.equal(JSON.parse(readFileSync(at('user-key.json'), 'utf8')).generation, 2);
    assert.match(await ok('meter', 'encrypt', '--bundle', 'bundle.json', '--user-key-file', 'user-key.json', '--out', 'gen2.json'), /gen2\.json/);
    assert.equal(JSON.parse(readFileSync(at('gen2.json'), 'utf8')).key.generation, 2);
    await fails(/wrong user key: .*generation 2/, 'meter', 'decrypt', '--in', 'gen2.json', '--user-key', key, '--out', 'x.json');

    const wrongCheck = rotated.slice(0, -1) + (rotated.endsWith('0') ? '1' : '0');
    await fails(/check character does not match/, 'meter', 'decrypt', '--in', 'gen2.json', '--user-key', wrongCheck, '--out', 'x.json');
    await fails(/no user key/, 'meter', 'decrypt', '--in', 'gen2.json', '--out', 'x.json');

    const envelope = JSON.parse(readFileSync(at('gen2.json'), 'utf8'));
    writeFileSync(at('swapped.json'), JSON.stringify({ ...envelope, meterId: 'MTR-OTHER' }));
    await fails(/authentication failed/, 'meter', 'decrypt', '--in', 'swapped.json', '--user-key', rotated, '--out', 'x.json');
    writeFileSync(at('not-envelope.json'), '{"format": "meterproof-bundle/1"}');
    await fails(/invalid encrypted bundle/, 'meter', 'decrypt', '--in', 'not-envelope.json', '--user-key', rotated, '--out', 'x.json');
    await fails(/cannot read bundle .*ENOENT/, 'meter', 'encrypt', '--bundle', 'nope.json', '--user-key', rotated);
    await fails(/cannot use bundle .*invalid bundle/, 'meter', 'encrypt', '--bundle', 'not-envelope.json', '--user-key', rotated);
    await fails(/not both/, 'meter', 'encrypt', '--bundle', 'bundle.json', '--user-key', rotated, '--user-key-file', 'user-key.json');
    for (const cmd of ['user-key', 'encrypt', 'decrypt']) assert.match(await ok('meter', cmd, '--help'), /Usage: meterproof meter/);
  });
});
