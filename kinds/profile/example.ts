/**
 * Example statement fields of a profile-class result: the Elexon classes' set for the period (its seasons
 * and day types, kinds/profile/elexon.ts) when ../shared/data is present, else the shipped winter-weekday
 * set (docs/examples/profile-set.json, valid for any period).
 */
import { parseElexonClass } from './elexon.js';
import { elexonProfileSet } from './circuit.js';
import { hasSharedData, sharedFile } from '../../core/shared-data.js';
import { isoDay } from '../../core/time.js';
import { exampleDocument, type ExamplePeriod } from '../examples.js';

export function exampleFields(period: ExamplePeriod): Record<string, unknown> {
  if (!hasSharedData) return { profiles: exampleDocument('profile-set') };
  const classes = Array.from({ length: 8 }, (_, i) => parseElexonClass(sharedFile(`profiles/ProfileClass${i + 1}.csv`), `Profile class ${i + 1}`));
  const id = `elexon-${isoDay(period.startDay)}-${period.days}d`;
  return { profiles: elexonProfileSet(classes, { id, publisher: 'Example scheme operator', startDay: period.startDay, days: period.days, scoreLevels: 100 }) };
}
