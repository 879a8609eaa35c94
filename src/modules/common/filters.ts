import { isCountryCode } from '../../lib/codes';
import { BadUserInputError } from '../../lib/errors';
import { localIdOf, type NodeTypeName } from '../../lib/global-id';
import type { NearInput } from './pagination';

/** Query filters refuse bad values with BAD_USER_INPUT, naming the argument. */
export function filterCountry(value: string, argument: string): string {
  if (!isCountryCode(value)) {
    throw new BadUserInputError(`${argument}: "${value}" is not an ISO 3166-1 alpha-2 country code (e.g. "SE").`, { argument });
  }
  return value;
}

export function filterId(value: string, type: NodeTypeName, argument: string): number {
  const id = localIdOf(value, type);
  if (id === null) throw new BadUserInputError(`${argument}: not a valid ${type} id.`, { argument });
  return id;
}

/**
 * SQL for "within radiusKm of a point" on latitude/longitude columns: a
 * bounding box the (latitude, longitude) index can use, then the exact
 * haversine distance.
 */
export function nearSql(near: NearInput, latCol: string, lonCol: string, argument: string): { sql: string[]; params: unknown[] } {
  const { latitude, longitude, radiusKm } = near;
  if (!(latitude >= -90 && latitude <= 90) || !(longitude >= -180 && longitude <= 180)) {
    throw new BadUserInputError(`${argument}: latitude must be -90..90 and longitude -180..180.`, { argument });
  }
  if (!(radiusKm > 0 && radiusKm <= 2000)) {
    throw new BadUserInputError(`${argument}: radiusKm must be greater than 0 and at most 2000.`, { argument });
  }
  const dLat = radiusKm / 111.045;
  const cosLat = Math.max(Math.cos((latitude * Math.PI) / 180), 0.01);
  const dLon = Math.min(radiusKm / (111.045 * cosLat), 180);
  return {
    sql: [
      `${latCol} between ? and ?`,
      `${lonCol} between ? and ?`,
      `2 * 6371 * asin(least(1, sqrt(power(sin(radians(${latCol} - ?) / 2), 2) + cos(radians(?)) * cos(radians(${latCol})) * power(sin(radians(${lonCol} - ?) / 2), 2)))) <= ?`,
    ],
    params: [latitude - dLat, latitude + dLat, longitude - dLon, longitude + dLon, latitude, latitude, longitude, radiusKm],
  };
}
