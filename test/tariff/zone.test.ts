import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instantsAt, isTimeZone, wallClock } from '../../tariff/zone.js';

const LONDON = 'Europe/London';
const utc = (iso: string) => Date.parse(iso);

test('wall clock: GMT in winter, BST in summer', () => {
  assert.equal(wallClock(utc('2023-01-15T12:00Z'), LONDON), utc('2023-01-15T12:00Z'));
  assert.equal(wallClock(utc('2023-07-01T23:30Z'), LONDON), utc('2023-07-02T00:30Z'));
});

test('instants at a wall clock time: one, none in the spring gap, two in the autumn repeat', () => {
  assert.deepEqual(instantsAt(utc('2023-07-01T12:00Z'), LONDON), [utc('2023-07-01T11:00Z')]);
  assert.deepEqual(instantsAt(utc('2023-03-26T01:30Z'), LONDON), []);
  assert.deepEqual(instantsAt(utc('2023-10-29T01:30Z'), LONDON), [utc('2023-10-29T00:30Z'), utc('2023-10-29T01:30Z')]);
  assert.deepEqual(instantsAt(utc('2023-10-29T02:00Z'), LONDON), [utc('2023-10-29T02:00Z')]);
});

test('time zone names are checked by Intl', () => {
  assert.ok(isTimeZone('America/New_York'));
  assert.ok(!isTimeZone('Europe/Londres'));
});
