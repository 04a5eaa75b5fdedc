/**
 * Reliability of certification, on SQLite and PostgreSQL (loopback only, bounded):
 *  - concurrency: many clients submit the same and different results at once to two API instances on one
 *    database → exactly one stored result per statement, every request answered consistently;
 *  - crash: the server (a child process) is killed with SIGKILL while submissions are in flight and
 *    restarted → every result acknowledged with 201 is there and still verifies, nothing half-written.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { buildBn128 } from 'ffjavascript';
import { REPO_ROOT } from '../../core/paths.js';
import { releaseCurve } from '../../prover/backend.js';
import type { ResultJson } from '../../prover/result.js';
import { verifyBillResult } from '../../prover/verify.js';
import { proofDigest } from '../../verifier-api/certify.js';
import { rerandomizeProof } from '../../verifier-api/rerandomize.js';
import type { RunningServer } from '../../verifier-api/server.js';
import { backends, call, createCrowdKey, createKeys, freshDatabase, registerCrowd, registerWorld, startTestServer, type FreshDb, type Keys } from './harness.js';
import { crowd, vkeyJson, world, type Crowd, type World } from './support.js';

const w: World = await world();
const c: Crowd = await crowd();
const curve = await buildBn128(true);
const vkey = vkeyJson();
after(releaseCurve);

const body2 = (b: Buffer) => b.subarray(b.length >> 1);
const statementOf = (r: ResultJson) => `${r.statement.meterId}|${r.circuit}|${r.statement.period.start}|${r.statement.period.days}`;
const variant = (r: ResultJson): ResultJson => ({ ...r, proof: rerandomizeProof(curve, vkey, r.proof) });

/** `meterproof api serve` as a child process; resolves once it listens. */
function serveChild(database: string): Promise<{ child: ChildProcess; url: string }> {
  const dbArgs = database.startsWith('postgres') ? ['--database-url', database] : ['--db', database];
  const child = spawn(process.execPath, ['bin/meterproof.js', 'api', 'serve', '--port', '0', '--circuit', 'billing_1d', '--workers', '2', '--rate', '0', '--rate-address', '0', '--log-level', 'warn', ...dbArgs], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 60_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening: ${err}`));
    });
  });
}

for (const backend of await backends()) {
  describe(`reliability on ${backend.name}`, { skip: backend.skip }, () => {
    let db: FreshDb;
    let keys: Keys & { crowd: string };

    before(async () => {
      db = await freshDatabase(backend.name);
      keys = { ...(await createKeys(db.url)), crowd: await createCrowdKey(db.url) };
    });
    after(async () => {
      await db?.drop();
    });

    test('concurrent submissions to two instances: exactly one result per statement, no lost acknowledgement', async () => {
      const servers: RunningServer[] = [await startTestServer(db.url, { workers: 2 }), await startTestServer(db.url, { workers: 1 })];
      try {
        await registerWorld(servers[0].url, keys, w);
        await registerCrowd(servers[0].url, keys, w, c);
        const statements = [w.results.a1, w.results.a2, w.results.b1, ...c.results.slice(0, 3)];
        // per statement: the original 6 times and 6 different valid proofs, all in flight at once
        const bodies = statements.flatMap((r) => [...Array.from({ length: 6 }, () => r), ...Array.from({ length: 6 }, () => variant(r))]);
        bodies.sort(() => Math.random() - 0.5);
        const replies = await Promise.all(bodies.map((b, i) => call(servers[i % 2].url, 'POST', '/v1/results', { body: b }).then((r) => ({ r, b }))));

        const byStatement = new Map<string, { status: number; id: string; digest: string }[]>();
        for (const { r, b } of replies) {
          assert.ok([200, 201, 409].includes(r.status), `unexpected ${r.status}: ${r.text}`);
          const id = r.status === 409 ? r.body.error.existingId : r.body.id;
          assert.match(id, /^res_/);
          const k = statementOf(b);
          if (!byStatement.has(k)) byStatement.set(k, []);
          byStatement.get(k)!.push({ status: r.status, id, digest: proofDigest(b) });
        }
        assert.equal(byStatement.size, statements.length);
        for (const [k, rs] of byStatement) {
          const created = rs.filter((x) => x.status === 201);
          assert.equal(created.length, 1, `${k}: exactly one 201`);
          assert.ok(rs.every((x) => x.id === created[0].id), `${k}: every answer names the stored result`);
          for (const x of rs) {
            if (x.status === 200) assert.equal(x.digest, created[0].digest, `${k}: 200 only for the stored proof`);
            if (x.status === 409) assert.notEqual(x.digest, created[0].digest, `${k}: 409 only for another proof`);
          }
        }
        const listed = await call(servers[1].url, 'GET', '/v1/results?limit=1000', { key: keys.auditor });
        assert.equal(listed.body.items.length, statements.length);
        assert.deepEqual(new Set(listed.body.items.map((x: any) => x.id)), new Set([...byStatement.values()].map((rs) => rs[0].id)));
      } finally {
        for (const s of servers) await s.close();
      }
    });

    test('graceful shutdown: requests in flight when the server stops are answered', async () => {
      const server = await startTestServer(db.url, { workers: 1 });
      // Five uploads are under way (headers and half of each body sent) when the server is told to stop;
      // the rest of each body follows after. Each is another valid proof of a stored statement: verified
      // in full, then answered 409.
      const uploads = [w.results.a1, w.results.a2, w.results.b1, w.results.a1, w.results.a2].map((r) => {
        const body = Buffer.from(JSON.stringify(variant(r)));
        const req = httpRequest(`${server.url}/v1/results`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } });
        const reply = new Promise<number>((resolve, reject) => {
          req.on('response', (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
        });
        req.write(body.subarray(0, body.length >> 1));
        return { req, body, reply };
      });
      await new Promise((r) => setTimeout(r, 200));
      const closing = server.close();
      await new Promise((r) => setTimeout(r, 100));
      for (const u of uploads) u.req.end(body2(u.body));
      assert.deepEqual(await Promise.all(uploads.map((u) => u.reply)), [409, 409, 409, 409, 409]);
      await closing;
      await assert.rejects(call(server.url, 'GET', '/healthz'), 'no longer listening');
    });

    test('kill -9 while submissions are in flight: every 201 survives and verifies; nothing half-written', async () => {
      const first = await serveChild(db.url);
      let alive = true;
      first.child.once('exit', () => (alive = false));
      const acknowledged = new Map<string, { id: string; statement: string }>();
      try {
        // the world was registered by the previous test; its six statements are stored already
        const fresh = [w.results.a1Next, ...c.results.slice(3)];
        const bodies = [...fresh, ...fresh.flatMap((r) => [variant(r), variant(r)]), ...[w.results.a1, w.results.b1].map(variant)];
        let killed = false;
        const inFlight = bodies.map(async (b, i) => {
          await new Promise((r) => setTimeout(r, i * 3)); // a steady stream rather than one burst
          try {
            const r = await call(first.url, 'POST', '/v1/results', { body: b });
            if (r.status === 201) {
              acknowledged.set(r.body.id, { id: r.body.id, statement: statementOf(b) });
              if (acknowledged.size >= 3 && !killed) {
                killed = true;
                first.child.kill('SIGKILL');
              }
            }
            return r.status;
          } catch {
            return 'connection lost';
          }
        });
        const outcomes = await Promise.all(inFlight);
        if (process.env.DEBUG_CRASH) console.error(outcomes);
        if (!killed) first.child.kill('SIGKILL');
        assert.ok(acknowledged.size >= 3, `acknowledged ${acknowledged.size}`);
        assert.ok(outcomes.includes('connection lost'), 'the kill cut off requests in flight');
      } finally {
        if (alive) first.child.kill('SIGKILL');
        await new Promise((r) => (alive ? first.child.once('exit', r) : r(null)));
      }

      const second = await serveChild(db.url);
      try {
        for (const { id } of acknowledged.values()) {
          const e = await call(second.url, 'GET', `/v1/results/${id}/evidence?documents=embed`, { key: keys.auditor });
          assert.equal(e.status, 200, `acknowledged result ${id} is stored`);
          await verifyBillResult(e.body);
        }
        // everything stored — acknowledged or not — is whole and verifies, one row per statement
        const listed = await call(second.url, 'GET', '/v1/results?limit=1000', { key: keys.auditor });
        const statements = new Set<string>();
        for (const item of listed.body.items) {
          const e = await call(second.url, 'GET', `/v1/results/${item.id}/evidence?documents=embed`, { key: keys.auditor });
          const v = await verifyBillResult(e.body);
          assert.equal(v.result.outputs.bill, item.outputs.bill);
          const k = statementOf(e.body);
          assert.ok(!statements.has(k), `one row for ${k}`);
          statements.add(k);
        }
        // resubmitting after the restart completes the rest; nothing certified twice
        for (const r of [w.results.a1Next, ...c.results]) {
          const again = await call(second.url, 'POST', '/v1/results', { body: r });
          assert.ok([200, 201, 409].includes(again.status), again.text);
        }
        const after = await call(second.url, 'GET', '/v1/results?limit=1000', { key: keys.auditor });
        assert.equal(after.body.items.length, 3 + 1 + c.results.length);
        const h = await call(second.url, 'GET', '/healthz');
        assert.equal(h.body.status, 'ok');
      } finally {
        second.child.kill('SIGTERM');
        await new Promise((r) => second.child.once('exit', r));
      }
      if (backend.name === 'sqlite') {
        const { default: Database } = await import('better-sqlite3');
        const sqlite = new Database(db.url, { readonly: true });
        assert.equal(sqlite.pragma('integrity_check', { simple: true }), 'ok');
        sqlite.close();
      }
    });
  });
}
