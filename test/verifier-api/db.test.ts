/**
 * The storage layer on SQLite and PostgreSQL: migrations apply once and are recorded (and carry version-1
 * data over), transactions commit or roll back as a whole, the statement uniqueness and exclusive claims
 * hold, exact amounts round-trip as text.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { legacySchemeDigest, MIGRATIONS, openDb, schemaVersion, type Db } from '../../verifier-api/db.js';
import { ApiError } from '../../verifier-api/errors.js';
import { LEGACY_SCHEME_KIND, ParameterStore } from '../../verifier-api/parameters.js';
import { Store } from '../../verifier-api/store.js';
import { getCircuit } from '../../kinds/registry.js';
import { releaseCurve } from '../../prover/backend.js';
import { documentDigestOf } from '../../prover/documents.js';
import { verifyResult } from '../../prover/verify.js';
import { ResultFiles } from '../../verifier-api/results.js';
import { backends, freshDatabase, type FreshDb } from './harness.js';
import { START_DAY, world } from './support.js';

after(releaseCurve);
const tryCircuit = (id: string) => {
  try {
    return getCircuit(id);
  } catch {
    return undefined;
  }
};

const latest = Math.max(...MIGRATIONS.map((m) => m.version));
/** stored parts of a result row (results.ts); these tests are about the registry columns */
const PARTS = { proof: '', statement: '{}', outputSignals: '[]' };

for (const backend of await backends()) {
  describe(`storage on ${backend.name}`, { skip: backend.skip }, () => {
    let fresh: FreshDb;
    let db: Db;
    let store: Store;
    before(async () => {
      fresh = await freshDatabase(backend.name);
      db = await openDb(fresh.url);
      store = new Store(db);
    });
    after(async () => {
      await db?.close();
      await fresh?.drop();
    });

    test('migrations are applied once and recorded; reopening changes nothing', async () => {
      assert.equal(await schemaVersion(db), latest);
      const again = await openDb(fresh.url);
      try {
        assert.equal(await schemaVersion(again), latest);
        const rows = await again.all<{ version: number }>('SELECT version FROM schema_migrations');
        assert.equal(rows.length, MIGRATIONS.length);
      } finally {
        await again.close();
      }
    });

    test('a transaction that throws leaves nothing behind', async () => {
      await store.upsertParty('suppliers', 's1', 'Supplier 1');
      await assert.rejects(
        store.assignTariff({ supplierId: 's1', digest: 'd'.repeat(64), kind: 'tariff', docId: 't', body: {}, meterIds: ['NO-SUCH-METER'], fromDay: 1, toDay: 2 }),
        (e: Error) => !(e instanceof ApiError), // a foreign-key violation from the database
      );
      assert.equal(await store.getDocument('d'.repeat(64)), undefined, 'the document insert was rolled back too');
    });

    test('meters, key rotation, one result per statement, exact amounts', async () => {
      assert.equal(await store.registerMeter({ id: 'M1', supplierId: 's1', substationId: null, publicKey: ['1', '2'], validFrom: 100 }), true);
      assert.equal(await store.registerMeter({ id: 'M1', supplierId: 's1', substationId: null, publicKey: ['1', '2'], validFrom: 100 }), false);
      await store.rotateMeterKey('M1', ['3', '4'], 150);
      const keys = await store.meterKeys('M1');
      assert.deepEqual(keys.map((k) => [k.publicKey, k.validFrom, k.validTo]), [
        [['1', '2'], 100, 149],
        [['3', '4'], 150, null],
      ]);
      await assert.rejects(store.rotateMeterKey('M1', ['5', '6'], 120), (e: ApiError) => e.code === 'key_rotation_conflict');
      assert.equal((await store.meterKeys('M1')).length, 2, 'the refused rotation changed nothing');

      const huge = (10n ** 30n + 7n).toString();
      const row = { kind: 'bill', circuit: 'c', meterId: 'M1', startDay: 120, days: 1, supplierId: 's1', substationId: null, statementKey: 'bill|M1|c|120|1', outputs: { bill: huge, settlement: '-5', consumption: '0' }, bindings: { tariffDigest: 't', valueOfEnergyDigest: 'v' }, ...PARTS };
      const first = await store.insertResult({ ...row, proofDigest: 'p1' });
      const second = await store.insertResult({ ...row, proofDigest: 'p2' });
      assert.equal(first.created, true);
      assert.equal(second.created, false);
      assert.equal(second.row.id, first.row.id);
      assert.equal(second.row.proofDigest, 'p1');
      assert.equal(second.row.outputs.bill, huge);
      const concurrent = await Promise.all(Array.from({ length: 10 }, (_, i) => store.insertResult({ ...row, startDay: 121, statementKey: 'bill|M1|c|121|1', proofDigest: `q${i}` })));
      assert.equal(concurrent.filter((r) => r.created).length, 1);
      assert.equal(new Set(concurrent.map((r) => r.row.id)).size, 1);
    });

    test('claims: a day is claimed once per scope; a refused claim stores nothing, also when concurrent', async () => {
      const claim = (startDay: number, days: number, proof: string) => ({
        kind: 'rebate',
        circuit: 'c',
        meterId: 'M1',
        startDay,
        days,
        supplierId: 's1',
        substationId: null,
        statementKey: `rebate|M1|c|${startDay}|${days}|scheme`,
        outputs: { rebate: '5' },
        bindings: { schemeDigest: 'scheme' },
        proofDigest: proof,
        ...PARTS,
        claim: { scope: 'rebate|M1|scheme', days: Array.from({ length: days }, (_, i) => startDay + i) },
      });
      const week = await store.insertResult(claim(200, 7, 'w'));
      assert.equal(week.created, true);
      await assert.rejects(store.insertResult(claim(206, 1, 'd')), (e: ApiError) => e.code === 'claim_overlap' && e.details?.existingId === week.row.id);
      assert.equal(await store.resultByKey('rebate|M1|c|206|1|scheme'), undefined, 'the refused claim left no result behind');
      assert.equal((await store.insertResult(claim(207, 1, 'd'))).created, true, 'the next day is free');
      const racing = await Promise.allSettled([300, 301, 302].map((d) => store.insertResult(claim(d - 2, 3, `r${d}`))));
      assert.equal(racing.filter((r) => r.status === 'fulfilled').length, 1, 'overlapping claims racing: one wins');
    });
  });

  describe(`migrating a version-1 database on ${backend.name}`, { skip: backend.skip }, () => {
    let fresh: FreshDb;
    before(async () => {
      fresh = await freshDatabase(backend.name);
    });
    after(async () => {
      await fresh?.drop();
    });

    test('bill results and scheme parameter sets of version 1 are kept under the generic schema; bodies become compact (migration 6)', async () => {
      const w = await world();
      const body = w.results.a1;
      const tariffDigest = documentDigestOf(w.tariffs.acme);
      const v1 = MIGRATIONS.find((m) => m.version === 1)!.sql as string[];
      await runRaw(backend.name, fresh.url, [
        ['CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)', []],
        ...v1.map((sql): [string, unknown[]] => [sql, []]),
        ["INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'v1', 'x')", []],
        ["INSERT INTO suppliers (id, name, created_at) VALUES ('s1', 'S1', 'x')", []],
        ["INSERT INTO meters (id, supplier_id, substation_id, created_at) VALUES (?, 's1', NULL, 'x')", [body.statement.meterId]],
        // the tariff is in the registry; the value vector only in the body (it must not be lost)
        ["INSERT INTO documents (digest, kind, doc_id, publisher, body, created_at) VALUES (?, 'tariff', 't', 's1', ?, 'x')", [tariffDigest, JSON.stringify(w.tariffs.acme)]],
        [
          `INSERT INTO results (id, kind, circuit, meter_id, start_day, days, supplier_id, substation_id, tariff_digest, value_digest, bill, settlement, consumption, proof_digest, body, created_at)
           VALUES ('res_1', 'bill', 'billing_1d', ?, ?, 1, 's1', NULL, ?, NULL, ?, ?, ?, 'p', ?, 'x')`,
          [body.statement.meterId, START_DAY, tariffDigest, body.outputs.bill, body.outputs.settlement, body.outputs.consumption, JSON.stringify(body)],
        ],
        ["INSERT INTO scheme_parameters (id, publisher, body, created_at) VALUES ('legacy', 'key_1', ?, 'x')", ['{"cap":5000}']],
      ]);
      const db = await openDb(fresh.url);
      try {
        assert.equal(await schemaVersion(db), latest);
        const store = new Store(db);
        const row = await store.resultByKey(`bill|${body.statement.meterId}|billing_1d|${START_DAY}|1`);
        assert.equal(row?.id, 'res_1');
        assert.deepEqual(row?.outputs, body.outputs);
        assert.deepEqual(row?.bindings, { tariffDigest, valueOfEnergyDigest: null });
        // migration 4: a meter registered before supplier histories is supplied by its supplier since registration
        assert.deepEqual(await store.supplierHistory(body.statement.meterId), [{ supplierId: 's1', validFrom: null, validTo: null }]);
        const parameters = new ParameterStore(db);
        const legacy = await parameters.byId(LEGACY_SCHEME_KIND, 'legacy');
        assert.equal(legacy?.digest, legacySchemeDigest('legacy', { cap: 5000 }));
        assert.deepEqual((await parameters.get(legacy!.digest))?.body, { cap: 5000 });

        // migration 6: no body any more; the file rebuilt from the compact row is the one submitted
        const columns = Object.keys((await db.get<any>("SELECT * FROM results WHERE id = 'res_1'"))!);
        assert.ok(!columns.includes('body') && columns.includes('proof'), columns.join(', '));
        const valueDigest = documentDigestOf(w.value);
        const published = await store.getDocument(valueDigest);
        assert.deepEqual(published?.body, w.value, 'the value vector the body embedded is kept in the registry');
        const files = new ResultFiles(tryCircuit, async (d) => (await store.getDocument(d))?.body);
        const stored = (await store.getResult('res_1'))!;
        const file = await files.file(stored);
        assert.deepEqual(file.statement.tariff, { digest: tariffDigest });
        assert.deepEqual(file.statement.valueOfEnergy, { digest: valueDigest });
        assert.deepEqual(file.publicSignals, body.publicSignals);
        assert.deepEqual(file.proof, body.proof);
        assert.deepEqual((await files.file(stored, { embed: true })).statement, body.statement);
        const v = await verifyResult(file, undefined, async (d) => (await store.getDocument(d))?.body);
        assert.deepEqual(v.result.outputs, body.outputs);
      } finally {
        await db.close();
      }
    });
  });
}

/** Statements on a database without migrating it (to build an old schema). */
async function runRaw(backend: 'sqlite' | 'postgres', url: string, statements: [string, unknown[]][]): Promise<void> {
  if (backend === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const d = new Database(url);
    try {
      for (const [sql, params] of statements) d.prepare(sql).run(...params);
    } finally {
      d.close();
    }
    return;
  }
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (const [sql, params] of statements) {
      let i = 0;
      await c.query(sql.replace(/\?/g, () => `$${++i}`), params);
    }
  } finally {
    await c.end();
  }
}
