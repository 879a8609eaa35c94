import { ErasmusDistanceBand } from './distance-band';
import table from './erasmus-travel-unit-costs.json';

/** One row of the unit-cost table, in whole euros; `green` is null where the guide has no green rate. */
type BandRow = { band: ErasmusDistanceBand; standard: number; green: number | null };

export type ErasmusTravelTable = {
  source: string;
  year: number;
  validForCalls: string;
  currency: 'EUR';
  byBand: ReadonlyMap<ErasmusDistanceBand, BandRow>;
};

/** Checks the data file once at start: every band present once, whole non-negative euros. */
function loadTable(): ErasmusTravelTable {
  const byBand = new Map<ErasmusDistanceBand, BandRow>();
  for (const row of table.bands) {
    const band = row.band as ErasmusDistanceBand;
    const amounts = [row.standard, row.green].filter((a): a is number => a !== null);
    if (!Object.values(ErasmusDistanceBand).includes(band) || byBand.has(band) || amounts.some((a) => !Number.isInteger(a) || a < 0)) {
      throw new Error(`erasmus-travel-unit-costs.json: bad row ${JSON.stringify(row)}`);
    }
    byBand.set(band, { band, standard: row.standard, green: row.green });
  }
  const missing = Object.values(ErasmusDistanceBand).filter((b) => !byBand.has(b));
  if (missing.length || table.currency !== 'EUR') throw new Error(`erasmus-travel-unit-costs.json: missing bands ${missing.join(', ')} or not in EUR`);
  return { source: table.source, year: table.year, validForCalls: table.validForCalls, currency: 'EUR', byBand };
}

export const ERASMUS_TRAVEL_TABLE = loadTable();

/**
 * The Erasmus+ travel contribution for one traveller of one band, in euro
 * cents: the green rate when the visit is green travel and the band has
 * one, otherwise the standard rate.
 */
export function travelUnitCost(band: ErasmusDistanceBand, greenTravel: boolean): { unitMinor: number; greenRate: boolean } {
  const row = ERASMUS_TRAVEL_TABLE.byBand.get(band)!;
  const greenRate = greenTravel && row.green !== null;
  return { unitMinor: (greenRate ? row.green! : row.standard) * 100, greenRate };
}
