import fs from 'node:fs';
import type { Orm } from '../../db';
import { foldName, haversineKm } from '../../lib/text';
import { countryCodeFromName } from './europe';
import { chunks, sqlRunner } from './towns';

/** Columns the importer needs; others (populations, dist, eu) are ignored. */
const REQUIRED_COLUMNS = [
  'origincityLabel',
  'origincountry',
  'originlat',
  'originlong',
  'sistercityLabel',
  'destinationlat',
  'destinationlong',
  'destination_countryLabel',
] as const;
type Column = (typeof REQUIRED_COLUMNS)[number];

/** A town of the file is linked to a GeoNames town of the same name at most this far away. */
export const MATCH_MAX_KM = 30;
/** Looser names (one extends the other: "Halle" / "Halle (Saale)") must be this close. */
export const LOOSE_MATCH_MAX_KM = 8;
/** A large town known by another name (exonym) is recognised by its size this close to the point. */
const EXONYM_MAX_KM = 5;
const EXONYM_MIN_POPULATION = 20_000;
/** Names spelt slightly differently (transliterations) must be this close. */
export const SPELLING_MATCH_MAX_KM = 5;
/** A town found by name outside the country the file gives must be this close. */
const OTHER_COUNTRY_MAX_KM = 10;

const LINK_BATCH = 2000;

export type TwinImportSource = 'WIKIDATA' | 'IMPORT';

export type TwinImportReport = {
  /** Data lines read (header and blank lines excluded). */
  lines: number;
  /** Lines skipped, with their 1-based line number in the file. */
  malformed: { line: number; reason: string }[];
  /** Distinct unordered pairs with both towns in the imported countries. */
  pairs: number;
  /** Distinct unordered pairs with a town outside the imported countries. */
  outOfScope: number;
  /** In-scope pairs whose two towns were both found. */
  matched: number;
  /** Twin links created by this run. */
  created: number;
  /** Matched pairs that already had a link (open or ended) — left alone. */
  alreadyPresent: number;
  /** In-scope pairs not linked, with the first line they appear on. */
  unmatched: { line: number; origin: string; destination: string; reason: string }[];
  /**
   * How the distinct towns of the file were matched: same name in the given
   * country, same name just across a border (the file's country is wrong),
   * a name extending the other ("Halle" / "Halle (Saale)"), a near spelling
   * (transliteration), or size and place (exonyms such as "Cologne").
   */
  sidesMatchedBy: Record<MatchVia, number>;
};

type Side = { label: string; countryName: string; lat: number; lon: number; population: number | null };

type TownRow = { id: number; country: string; searchName: string; lat: number; lon: number; population: number };

type SideMatch =
  | { kind: 'matched'; town: TownRow; via: MatchVia }
  | { kind: 'unmatched'; key: string; reason: string }
  | { kind: 'outOfScope'; key: string };

const GRID_DEG = 0.25;

/** The imported towns, by country and folded name, and on a coarse grid for "near" queries. */
class TownIndex {
  readonly countries = new Set<string>();
  private readonly byCountryName = new Map<string, TownRow[]>();
  private readonly byName = new Map<string, TownRow[]>();
  private readonly grid = new Map<string, TownRow[]>();

  constructor(towns: readonly TownRow[]) {
    for (const t of towns) {
      this.countries.add(t.country);
      push(this.byCountryName, `${t.country}|${t.searchName}`, t);
      push(this.byName, t.searchName, t);
      push(this.grid, cellKey(Math.floor(t.lat / GRID_DEG), Math.floor(t.lon / GRID_DEG)), t);
    }
  }

  named(country: string | undefined, searchName: string): TownRow[] {
    return (country ? this.byCountryName.get(`${country}|${searchName}`) : this.byName.get(searchName)) ?? [];
  }

  /** Towns within `km` of a point, nearest first. */
  near(lat: number, lon: number, km: number): { town: TownRow; km: number }[] {
    const cy = Math.floor(lat / GRID_DEG);
    const cx = Math.floor(lon / GRID_DEG);
    const dy = Math.ceil(km / 111 / GRID_DEG);
    const cos = Math.max(0.05, Math.cos((Math.min(89, Math.abs(lat) + dy * GRID_DEG) * Math.PI) / 180));
    const dx = Math.min(Math.ceil(km / (111 * cos) / GRID_DEG), Math.ceil(360 / GRID_DEG));
    const out: { town: TownRow; km: number }[] = [];
    for (let y = cy - dy; y <= cy + dy; y++) {
      for (let x = cx - dx; x <= cx + dx; x++) {
        for (const town of this.grid.get(cellKey(y, x)) ?? []) {
          const d = haversineKm(lat, lon, town.lat, town.lon);
          if (d <= km) out.push({ town, km: d });
        }
      }
    }
    return out.sort((a, b) => a.km - b.km || a.town.id - b.town.id);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function cellKey(y: number, x: number): string {
  return `${y}:${x}`;
}

/** Administrative words Wikidata labels carry and GeoNames town names do not. */
const PREFIXES = [
  'municipality of ', 'city of ', 'town of ', 'borough of ', 'commune of ', 'london borough of ', 'royal borough of ',
  'metropolitan borough of ', 'gmina ', 'miasto ', 'stadt ', 'comune di ', 'municipio de ', 'concello de ', 'obec ',
  'mesto ', 'mestys ', 'grad ', 'opcina ', 'obcina ',
];
const SUFFIXES = [
  ' urban municipality', ' municipality', ' commune', ' city', ' town', ' county borough', ' metropolitan borough',
  ' borough', ' urban district', ' kommune', ' kommun', ' stad', ' gemeinde', ' markt', ' sogn', ' local council',
];

function stripAdministrative(folded: string): string {
  let out = folded;
  for (const p of PREFIXES) if (out.startsWith(p) && out.length > p.length + 2) out = out.slice(p.length);
  for (const s of SUFFIXES) if (out.endsWith(s) && out.length > s.length + 2) out = out.slice(0, -s.length);
  return out;
}

/** The label without what follows a comma, parenthesis or slash: "Grado, Friuli-Venezia Giulia" -> "Grado". */
function baseLabels(label: string): string[] {
  return [label, label.split(',')[0], label.split('(')[0], label.split(' - ')[0], label.split(' / ')[0]];
}

/** Folded names to look a label up by: the label itself, the part before a comma or parenthesis, without administrative words. */
export function labelVariants(label: string): string[] {
  const out = new Set<string>();
  for (const base of baseLabels(label)) {
    const folded = foldName(base);
    if (!folded) continue;
    out.add(folded);
    out.add(stripAdministrative(folded));
  }
  // "St. Pölten" / "Sankt Pölten", "St Albans" / "Saint Albans", "Ste-Foy" / "Sainte-Foy".
  for (const v of [...out]) {
    if (/\bst\b/.test(v)) for (const w of ['sankt', 'saint', 'sint', 'san']) out.add(v.replace(/\bst\b/g, w));
    if (/\bste\b/.test(v)) out.add(v.replace(/\bste\b/g, 'sainte'));
    if (/\b(sankt|saint|sint)\b/.test(v)) out.add(v.replace(/\b(sankt|saint|sint)\b/g, 'st'));
    if (/\bsainte\b/.test(v)) out.add(v.replace(/\bsainte\b/g, 'ste'));
  }
  return [...out];
}

/** Core names of a label for the looser comparisons (no disambiguating part after a comma or parenthesis). */
function coreVariants(label: string): string[] {
  const out = new Set<string>();
  for (const base of baseLabels(label).slice(1)) {
    const folded = stripAdministrative(foldName(base));
    if (folded) out.add(folded);
  }
  return [...out];
}

/** Leading words that do not change which town is meant ("Bad Saulgau" / "Saulgau", "Ostseebad Binz" / "Binz"). */
const NEUTRAL_LEADS = new Set(['bad', 'ostseebad', 'seebad', 'lutherstadt', 'hansestadt', 'great', 'archaia']);
/** Words that make the longer name another kind of place (a district, a county...). */
const DISTINCT_WORDS = /\b(district|parish|county|province|region|canton|oblast|raion|rayon|arrondissement|quarter|island|\d+\w*)\b/;

/**
 * True when one name extends the other in a way that keeps the same town:
 * "freiburg" / "freiburg im breisgau", "halle" / "halle saale", "saulgau" /
 * "bad saulgau" — but not "rolle" / "mont sur rolle" or "prague" / "prague 8".
 */
function sameTownWords(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length < 4 || short === long) return short === long;
  let rest: string;
  if (long.startsWith(`${short} `)) {
    rest = long.slice(short.length + 1);
  } else if (long.endsWith(` ${short}`)) {
    rest = long.slice(0, -short.length - 1);
    if (!NEUTRAL_LEADS.has(rest)) return false;
  } else {
    return false;
  }
  return !DISTINCT_WORDS.test(rest);
}

function describe(side: Side): string {
  return `${side.label} (${side.countryName})`;
}

/** Levenshtein distance, capped: returns max + 1 as soon as it must exceed max. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

/** Spelling differences tolerated between two names of the same town (transliterations: Uzhhorod / Uzhgorod). */
function fuzzyBudget(length: number): number {
  if (length >= 12) return 2;
  if (length >= 6) return 1;
  return 0;
}

/** Rough spelling skeleton: c/k/q, w/v, y/j/i, ph/f and silent h treated alike. */
function skeleton(name: string): string {
  return name.replace(/ph/g, 'f').replace(/h/g, '').replace(/[cq]/g, 'k').replace(/w/g, 'v').replace(/[yj]/g, 'i').replace(/\s+/g, '');
}

/** True when the skeletons of two names share a three-letter sequence ("Cologne" / "Köln" share "kol"). */
function looksAlike(a: string, b: string): boolean {
  const x = skeleton(a);
  const y = skeleton(b);
  for (let i = 0; i + 3 <= x.length; i++) if (y.includes(x.slice(i, i + 3))) return true;
  return false;
}

function nearestNamed(index: TownIndex, country: string | undefined, variants: string[], side: Side, maxKm: number) {
  let best: { town: TownRow; km: number } | undefined;
  let nearest: number | undefined;
  for (const name of variants) {
    for (const town of index.named(country, name)) {
      const km = haversineKm(side.lat, side.lon, town.lat, town.lon);
      if (nearest === undefined || km < nearest) nearest = km;
      if (km <= maxKm && (!best || km < best.km || (km === best.km && town.id < best.town.id))) best = { town, km };
    }
  }
  return { best, nearest };
}

export type MatchVia = 'name' | 'name-other-country' | 'words' | 'spelling' | 'population';

function matchSide(index: TownIndex, side: Side): SideMatch {
  const code = countryCodeFromName(side.countryName);
  const variants = labelVariants(side.label);
  const cores = coreVariants(side.label);
  const key = `${code ?? side.countryName}|${variants[0] ?? ''}`;
  const imported = code !== undefined && index.countries.has(code);

  // 1. Same folded name, same country, nearest within 30 km.
  const own = imported ? nearestNamed(index, code, variants, side, MATCH_MAX_KM) : { best: undefined, nearest: undefined };
  if (own.best) return { kind: 'matched', town: own.best.town, via: 'name' };

  // 2. Same name in another imported country, very near: the file's country is wrong
  //    (e.g. Swedish towns labelled Denmark) or is a former state (Prussia...). Kept
  //    tight so that namesakes on either side of a border are not confused.
  const anywhere = nearestNamed(index, undefined, variants, side, OTHER_COUNTRY_MAX_KM);
  if (anywhere.best) return { kind: 'matched', town: anywhere.best.town, via: 'name-other-country' };

  if (code !== undefined && !imported) return { kind: 'outOfScope', key };
  const around = index.near(side.lat, side.lon, MATCH_MAX_KM);
  if (code === undefined && around.length === 0) return { kind: 'outOfScope', key };

  // 3. A very near town whose name contains the label as whole words, or the
  //    other way round ("Frankfurt" / "Frankfurt am Main").
  for (const { town, km } of around) {
    if (km > LOOSE_MATCH_MAX_KM) break;
    if (cores.some((v) => sameTownWords(v, town.searchName))) return { kind: 'matched', town, via: 'words' };
  }
  // 4. A very near town spelt almost the same (transliterations: "Uzhhorod" / "Uzhgorod").
  for (const { town, km } of around) {
    if (km > SPELLING_MATCH_MAX_KM) break;
    const similar = cores.some((v) => {
      const budget = fuzzyBudget(Math.min(v.length, town.searchName.length));
      return budget > 0 && editDistance(v, town.searchName, budget) <= budget;
    });
    if (similar) return { kind: 'matched', town, via: 'spelling' };
  }
  // 5. A city known by an exonym ("Cologne" / "Köln", "Patras" / "Pátra"): the file's
  //    population and the point single out one town of about that size right there,
  //    and the two names still look alike.
  const label = foldName(side.label);
  if (side.population !== null && side.population >= EXONYM_MIN_POPULATION && !DISTINCT_WORDS.test(label)) {
    const pop = side.population;
    const close = around.filter(({ km }) => km <= EXONYM_MAX_KM);
    const sized = close.filter(({ town }) => town.population >= pop / 2 && town.population <= pop * 2);
    const bigger = close.filter(({ town }) => town.population > pop * 2);
    if (sized.length === 1 && bigger.length === 0 && cores.some((v) => looksAlike(v, sized[0].town.searchName))) {
      return { kind: 'matched', town: sized[0].town, via: 'population' };
    }
  }

  if (code === undefined) return { kind: 'unmatched', key, reason: `unknown country "${side.countryName}"` };
  const reason =
    own.nearest === undefined
      ? `no town "${side.label}" in ${code}`
      : `nearest town "${side.label}" in ${code} is ${Math.round(own.nearest)} km away`;
  return { kind: 'unmatched', key, reason };
}

type ParsedLine = { line: number; origin: Side; destination: Side };

/** Reads a twin-towns TSV: header line, tab-separated columns (see shared/data/twin-towns/README.md). */
export function parseTwinFile(text: string): { lines: number; rows: ParsedLine[]; malformed: { line: number; reason: string }[] } {
  const all = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (all[0] ?? '').split('\t').map((h) => h.trim());
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (header.length === 0 || missing.length > 0) {
    throw new Error(`Not a twin-towns file: missing column(s) ${missing.join(', ')} in the header line`);
  }
  const col = Object.fromEntries(REQUIRED_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<Column, number>;
  // Optional: used only to recognise large towns known by another name.
  const popColumns = { origin: header.indexOf('originpopulation'), destination: header.indexOf('destinationpopulation') };

  const rows: ParsedLine[] = [];
  const malformed: { line: number; reason: string }[] = [];
  let lines = 0;
  for (let i = 1; i < all.length; i++) {
    const raw = all[i];
    if (raw.trim() === '') continue;
    lines++;
    const line = i + 1;
    const fields = raw.split('\t');
    if (fields.length !== header.length) {
      malformed.push({ line, reason: `expected ${header.length} columns, found ${fields.length}` });
      continue;
    }
    const get = (c: Column) => fields[col[c]].trim();
    const problems: string[] = [];
    const coord = (c: Column, limit: number): number => {
      const value = get(c);
      const n = value === '' ? NaN : Number(value);
      if (!Number.isFinite(n) || Math.abs(n) > limit) problems.push(`${c} is not a valid coordinate ("${value}")`);
      return n;
    };
    const population = (c: number | undefined): number | null => {
      if (c === undefined || c < 0) return null;
      const n = Number(fields[c].trim());
      return fields[c].trim() !== '' && Number.isFinite(n) && n > 0 ? n : null;
    };
    const origin: Side = {
      label: get('origincityLabel'),
      countryName: get('origincountry'),
      lat: coord('originlat', 90),
      lon: coord('originlong', 180),
      population: population(popColumns.origin),
    };
    const destination: Side = {
      label: get('sistercityLabel'),
      countryName: get('destination_countryLabel'),
      lat: coord('destinationlat', 90),
      lon: coord('destinationlong', 180),
      population: population(popColumns.destination),
    };
    if (!origin.label) problems.push('empty origincityLabel');
    if (!destination.label) problems.push('empty sistercityLabel');
    if (!origin.countryName) problems.push('empty origincountry');
    if (!destination.countryName) problems.push('empty destination_countryLabel');
    if (problems.length > 0) {
      malformed.push({ line, reason: problems.join('; ') });
      continue;
    }
    rows.push({ line, origin, destination });
  }
  return { lines, rows, malformed };
}

/**
 * Imports twin-town pairs from a TSV file (Wikidata export format): matches
 * both towns to imported GeoNames towns (same country, same folded name,
 * nearest within 30 km) and creates one TWINNING link per unordered pair.
 * Idempotent: a pair that already has a link is left alone.
 */
export async function importTwins(orm: Orm, file: string, opts: { source?: TwinImportSource } = {}): Promise<TwinImportReport> {
  const source = opts.source ?? 'WIKIDATA';
  if (source !== 'WIKIDATA' && source !== 'IMPORT') throw new Error(`Invalid source "${String(source)}"`);
  const parsed = parseTwinFile(fs.readFileSync(file, 'utf8'));

  const em = orm.em.fork();
  // One JSON document rather than 70k rows: several times faster to read, above all on PGlite.
  const [{ towns: json }] = await sqlRunner(em)<{ towns: string }>(
    `select coalesce(json_agg(json_build_array("id", trim("country"), "search_name", "latitude", "longitude", "population") order by "id"), '[]')::text as "towns"
       from "town"`,
  );
  const towns = (JSON.parse(json) as [number, string, string, number, number, number][]).map(
    ([id, country, searchName, lat, lon, population]): TownRow => ({ id, country, searchName, lat, lon, population }),
  );
  const index = new TownIndex(towns);

  const cache = new Map<string, SideMatch>();
  const sidesMatchedBy: Record<MatchVia, number> = { name: 0, 'name-other-country': 0, words: 0, spelling: 0, population: 0 };
  const match = (side: Side): SideMatch => {
    const key = `${side.countryName}\t${side.label}\t${side.lat}\t${side.lon}`;
    let m = cache.get(key);
    if (!m) {
      m = matchSide(index, side);
      if (m.kind === 'matched') sidesMatchedBy[m.via]++;
      cache.set(key, m);
    }
    return m;
  };
  const sideKey = (m: SideMatch) => (m.kind === 'matched' ? `t:${m.town.id}` : `n:${m.key}`);

  const inScope = new Set<string>();
  const outOfScope = new Set<string>();
  const links = new Map<string, { a: number; b: number }>();
  const unmatched = new Map<string, TwinImportReport['unmatched'][number]>();

  for (const row of parsed.rows) {
    const o = match(row.origin);
    const d = match(row.destination);
    const [k1, k2] = [sideKey(o), sideKey(d)].sort();
    const pairKey = `${k1}\u0000${k2}`;
    if (o.kind === 'outOfScope' || d.kind === 'outOfScope') {
      outOfScope.add(pairKey);
      continue;
    }
    inScope.add(pairKey);
    if (o.kind === 'matched' && d.kind === 'matched') {
      if (o.town.id === d.town.id) {
        if (!unmatched.has(pairKey)) {
          unmatched.set(pairKey, {
            line: row.line,
            origin: describe(row.origin),
            destination: describe(row.destination),
            reason: 'both names match the same town',
          });
        }
        continue;
      }
      const a = Math.min(o.town.id, d.town.id);
      const b = Math.max(o.town.id, d.town.id);
      links.set(pairKey, { a, b });
      continue;
    }
    if (!unmatched.has(pairKey)) {
      const reasons: string[] = [];
      if (o.kind === 'unmatched') reasons.push(`origin: ${o.reason}`);
      if (d.kind === 'unmatched') reasons.push(`destination: ${d.reason}`);
      unmatched.set(pairKey, {
        line: row.line,
        origin: describe(row.origin),
        destination: describe(row.destination),
        reason: reasons.join('; '),
      });
    }
  }

  const pairs = [...links.values()].sort((x, y) => x.a - y.a || x.b - y.b);
  const created = await em.transactional(async (tx) => {
    const sql = sqlRunner(tx);
    let count = 0;
    for (const batch of chunks(pairs, LINK_BATCH)) {
      const [res] = await sql<{ created: number }>(
        `with x as (select distinct p.a, p.b from json_to_recordset(?::json) as p(a int, b int)),
         ins as (
           insert into "twin_link" ("town_a_id", "town_b_id", "kind", "status", "source")
           select x.a, x.b, 'TWINNING', 'ACTIVE', ? from x
            where not exists (select 1 from "twin_link" t where t."town_a_id" = x.a and t."town_b_id" = x.b)
           on conflict ("town_a_id", "town_b_id") where "status" <> 'ENDED' do nothing
           returning 1
         )
         select count(*)::int as "created" from ins`,
        [JSON.stringify(batch), source],
      );
      count += res.created;
    }
    return count;
  });

  return {
    lines: parsed.lines,
    malformed: parsed.malformed,
    pairs: inScope.size,
    outOfScope: outOfScope.size,
    matched: pairs.length,
    created,
    alreadyPresent: pairs.length - created,
    unmatched: [...unmatched.values()].sort((x, y) => x.line - y.line),
    sidesMatchedBy,
  };
}
