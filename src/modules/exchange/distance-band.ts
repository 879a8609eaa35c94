import { registerEnumType } from 'type-graphql';

/** The Erasmus+ travel distance bands (Programme Guide), by one-way great-circle distance. */
export enum ErasmusDistanceBand {
  KM_10_99 = 'KM_10_99',
  KM_100_499 = 'KM_100_499',
  KM_500_1999 = 'KM_500_1999',
  KM_2000_2999 = 'KM_2000_2999',
  KM_3000_3999 = 'KM_3000_3999',
  KM_4000_7999 = 'KM_4000_7999',
  KM_8000_PLUS = 'KM_8000_PLUS',
}
registerEnumType(ErasmusDistanceBand, {
  name: 'ErasmusDistanceBand',
  description: 'Erasmus+ travel distance band, from the one-way great-circle distance between the sending and the receiving town (as the EC distance calculator measures it).',
  valuesConfig: {
    KM_10_99: { description: '10–99 km.' },
    KM_100_499: { description: '100–499 km.' },
    KM_500_1999: { description: '500–1999 km.' },
    KM_2000_2999: { description: '2000–2999 km.' },
    KM_3000_3999: { description: '3000–3999 km.' },
    KM_4000_7999: { description: '4000–7999 km.' },
    KM_8000_PLUS: { description: '8000 km or more.' },
  },
});

const BANDS: readonly [number, ErasmusDistanceBand][] = [
  [8000, ErasmusDistanceBand.KM_8000_PLUS],
  [4000, ErasmusDistanceBand.KM_4000_7999],
  [3000, ErasmusDistanceBand.KM_3000_3999],
  [2000, ErasmusDistanceBand.KM_2000_2999],
  [500, ErasmusDistanceBand.KM_500_1999],
  [100, ErasmusDistanceBand.KM_100_499],
  [10, ErasmusDistanceBand.KM_10_99],
];

/** The band of a distance in whole km (rounded down, as bands are written in whole km); null under 10 km. */
export function distanceBand(km: number): ErasmusDistanceBand | null {
  const whole = Math.floor(km);
  for (const [min, band] of BANDS) if (whole >= min) return band;
  return null;
}
