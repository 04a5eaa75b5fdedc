/**
 * Profile fixtures for the similarity kinds (profile class, suspect match): generated profile shapes for a
 * clone without ../shared/data, and the real Elexon classes and London households when it is present.
 */
import { SLOTS_PER_DAY } from '../../core/time.js';
import { parseElexonClass, type ElexonClass } from '../../kinds/profile/elexon.js';
import { sharedFile } from '../../core/shared-data.js';

/** Eight distinct day shapes (W per half-hour, one day), loosely modelled on real load classes. */
export function syntheticProfileShapes(): bigint[][] {
  const hour = (s: number) => s / 2;
  const shapes: ((h: number) => number)[] = [
    (h) => (h < 6 ? 250 : h < 16 ? 400 : h < 22 ? 900 : 450), // domestic, evening peak
    (h) => (h < 7 ? 1800 : h < 16 ? 350 : h < 22 ? 600 : 900), // night storage (Economy 7)
    (h) => (h >= 8 && h < 18 ? 3000 : 800), // office hours
    (h) => 1000 + Math.round(300 * Math.sin((Math.PI * h) / 12)), // smooth daytime bump
    (h) => (h >= 6 && h < 9 ? 1500 : 500), // morning peak
    (h) => (h >= 7 && h < 9 ? 1200 : h >= 17 && h < 20 ? 1400 : 400), // two peaks
    (h) => (h < 6 ? 900 : h < 16 ? 750 : h < 22 ? 250 : 650), // the inverse of the domestic shape
    (h) => (h >= 6 && h < 18 ? 2500 : 200), // twelve hours on, twelve off
  ];
  return shapes.map((f) => Array.from({ length: SLOTS_PER_DAY }, (_, s) => BigInt(f(hour(s)))));
}

/** The eight Elexon profile classes from ../shared/data/profiles. */
export function elexonClasses(): ElexonClass[] {
  return Array.from({ length: 8 }, (_, i) => parseElexonClass(sharedFile(`profiles/ProfileClass${i + 1}.csv`), `ProfileClass${i + 1}`));
}

/** The 22 London households of ../shared/data/lcl-2013. */
export const LONDON_HOUSEHOLDS = [
  'MAC000002', 'MAC000004', 'MAC000005', 'MAC000006', 'MAC000009', 'MAC000010', 'MAC000012', 'MAC000013', 'MAC000014', 'MAC000016', 'MAC000017',
  'MAC000018', 'MAC000019', 'MAC000044', 'MAC000048', 'MAC000050', 'MAC000051', 'MAC000064', 'MAC000065', 'MAC000075', 'MAC000076', 'MAC000082',
];

/**
 * A household's 2013 readings straight from the CSV as floating-point kWh per GMT half-hour of the year
 * (missing half-hours are 0), read independently of the project's importer for the floating-point reference.
 */
export function householdKwh2013(household: string): number[] {
  const start = Date.UTC(2013, 0, 1);
  const kwh = Array<number>(365 * SLOTS_PER_DAY).fill(0);
  for (const line of sharedFile(`lcl-2013/${household}.csv`).split(/\r?\n/).slice(1)) {
    const [, time, value] = line.split(',');
    if (!time || value === undefined || value.trim() === 'Null') continue;
    const slot = (Date.parse(time.trim().replace(' ', 'T') + 'Z') - start) / 1_800_000;
    if (slot >= 0 && slot < kwh.length) kwh[slot] = parseFloat(value);
  }
  return kwh;
}
