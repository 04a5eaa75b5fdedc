/**
 * The storage layer on SQLite and PostgreSQL: migrations apply once and are recorded, transactions commit
 * or roll back as a whole, the statement uniqueness holds, exact amounts round-trip as text.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MIGRATIONS, openDb, schemaVersion, type Db } from '../../verifier-api/db.js';
import { ApiError } from '../../verifier-api/errors.js';
import { Store } from '../../verifier-api/store.js';
import { backends, freshDatabase, type FreshDb } from './harness.js';

const latest = Math.max(...MIGRATIONS.map((m) => m.version));

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
      const row = { kind: 'bill', circuit: 'c', meterId: 'M1', startDay: 120, days: 1, supplierId: 's1', substationId: null, tariffDigest: 't', valueDigest: 'v', bill: huge, settlement: '-5', consumption: '0', body: '{}' };
      const first = await store.insertResult({ ...row, proofDigest: 'p1' });
      const second = await store.insertResult({ ...row, proofDigest: 'p2' });
      assert.equal(first.created, true);
      assert.equal(second.created, false);
      assert.equal(second.row.id, first.row.id);
      assert.equal(second.row.proofDigest, 'p1');
      assert.equal(second.row.bill, huge);
      const concurrent = await Promise.all(Array.from({ length: 10 }, (_, i) => store.insertResult({ ...row, startDay: 121, proofDigest: `q${i}` })));
      assert.equal(concurrent.filter((r) => r.created).length, 1);
      assert.equal(new Set(concurrent.map((r) => r.row.id)).size, 1);
    });
  });
}
