import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Orm } from '../src/db';
import { seedDemo } from '../src/modules/import/demo-seed';
import { countryCodeFromName, EUROPEAN_COUNTRIES } from '../src/modules/import/europe';
import { importTowns, type TownImportReport } from '../src/modules/import/towns';
import { importTwins, labelVariants, type TwinImportReport } from '../src/modules/import/twins';
import { createTestOrm } from './helpers/db';

const TWINS_FILE = path.resolve(process.cwd(), '..', 'shared', 'data', 'twin-towns', 'wikidata-twin-towns-eu.tsv');
const HEADER =
  'origincityLabel\torigincountry\toriginlat\toriginlong\toriginpopulation\tsistercityLabel\tdestinationlat\tdestinationlong\tdestinationpopulation\tdestination_countryLabel\tdist\teu';

async function query<T = Record<string, unknown>>(orm: Orm, sql: string, params: unknown[] = []): Promise<T[]> {
  return orm.em.getConnection().execute<T[]>(sql, params);
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function writeTemp(name: string, lines: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twx-import-'));
  tempDirs.push(dir);
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('country names and labels', () => {
  test('English country names (Wikidata) map to ISO codes', () => {
    expect(countryCodeFromName('Czech Republic')).toBe('CZ');
    expect(countryCodeFromName("People's Republic of China")).toBe('CN');
    expect(countryCodeFromName('Republic of Macedonia')).toBe('MK');
    expect(countryCodeFromName('Moldova')).toBe('MD');
    expect(countryCodeFromName('Kosovo')).toBe('XK');
    expect(countryCodeFromName('United Kingdom')).toBe('GB');
    expect(countryCodeFromName('Prussia')).toBeUndefined();
    expect(countryCodeFromName('t431584180')).toBeUndefined();
    expect(EUROPEAN_COUNTRIES).toEqual(expect.arrayContaining(['SE', 'DE', 'GB', 'CH', 'UA', 'XK', 'AX']));
  });

  test('labels are also tried before a comma or parenthesis and without administrative words', () => {
    expect(labelVariants('Grado, Friuli-Venezia Giulia')).toContain('grado');
    expect(labelVariants('Halle (Saale)')).toEqual(expect.arrayContaining(['halle saale', 'halle']));
    expect(labelVariants('Uppsala Municipality')).toContain('uppsala');
    expect(labelVariants('St. Pölten')).toContain('sankt polten');
  });
});

describe('real data: towns, languages, twin links, demo seed (all of Europe)', () => {
  let orm: Orm;
  let first: TownImportReport;
  let twins: TwinImportReport;

  beforeAll(async () => {
    orm = await createTestOrm();
    const started = Date.now();
    first = await importTowns(orm);
    // Visible in the test output: the import must stay fast on PGlite.
    console.info(`importTowns (all Europe): ${first.towns} towns in ${Date.now() - started} ms`);
  });

  afterAll(async () => {
    await orm?.close(true);
  });

  test('imports the European towns of GeoNames', () => {
    expect(first.towns).toBeGreaterThan(60_000);
    expect(first.inserted).toBe(first.towns);
    expect(first.updated).toBe(0);
  });

  test('is idempotent: a second run inserts nothing and duplicates nothing', async () => {
    const second = await importTowns(orm);
    expect(second).toEqual({ towns: first.towns, inserted: 0, updated: 0, countryLanguages: first.countryLanguages });
    const [row] = await query<{ n: number; ids: number }>(orm, 'select count(*)::int as n, count(distinct geonames_id)::int as ids from town');
    expect(row.n).toBe(first.towns);
    expect(row.ids).toBe(first.towns);
  });

  test('only European countries, without city sections', async () => {
    const rows = await query<{ country: string }>(orm, 'select distinct trim(country) as country from town order by 1');
    const countries = rows.map((r) => r.country);
    expect(countries.every((c) => EUROPEAN_COUNTRIES.includes(c))).toBe(true);
    expect(countries.length).toBeGreaterThan(50);
    // Gamla stan (PPLX, a section of Stockholm) is not a town.
    const [gamla] = await query<{ n: number }>(orm, `select count(*)::int as n from town where search_name = 'gamla stan'`);
    expect(gamla.n).toBe(0);
  });

  test('Sweden has real towns: Stockholm', async () => {
    const [stockholm] = await query<{ population: number; latitude: number; longitude: number; search_name: string }>(
      orm,
      `select population, latitude, longitude, search_name from town where country = 'SE' and name = 'Stockholm'`,
    );
    expect(stockholm.population).toBeGreaterThan(900_000);
    expect(stockholm.latitude).toBeCloseTo(59.33, 1);
    expect(stockholm.longitude).toBeCloseTo(18.07, 1);
    expect(stockholm.search_name).toBe('stockholm');
    const [goteborg] = await query<{ search_name: string }>(orm, `select search_name from town where country = 'SE' and name = 'Göteborg'`);
    expect(goteborg.search_name).toBe('goteborg');
    const [se] = await query<{ n: number }>(orm, `select count(*)::int as n from town where country = 'SE'`);
    expect(se.n).toBeGreaterThan(500);
  });

  test('country languages come from CLDR, ISO 639-1 only', async () => {
    const se = await query<{ language: string; official_status: string | null; population_percent: number }>(
      orm,
      `select language, official_status, population_percent from country_language where country = 'SE' order by language`,
    );
    expect(se).toEqual(expect.arrayContaining([expect.objectContaining({ language: 'sv', official_status: 'official' })]));
    expect(se.find((l) => l.language === 'sv')!.population_percent).toBeGreaterThan(90);
    // Serbian: "sr" and "sr_Latn" are merged into one row.
    const rs = await query<{ language: string; official_status: string }>(orm, `select language, official_status from country_language where country = 'RS' and language = 'sr'`);
    expect(rs).toEqual([{ language: 'sr', official_status: 'official' }]);
    const [bad] = await query<{ n: number }>(orm, `select count(*)::int as n from country_language where language !~ '^[a-z]{2}$'`);
    expect(bad.n).toBe(0);
    const [be] = await query<{ n: number }>(orm, `select count(*)::int as n from country_language where country = 'BE' and official_status = 'official'`);
    expect(be.n).toBe(3);
  });

  test('importTwins links at least 75% of the in-scope pairs of the shared file', async () => {
    const started = Date.now();
    twins = await importTwins(orm, TWINS_FILE);
    const ratio = twins.matched / twins.pairs;
    console.info(
      `importTwins: ${twins.matched}/${twins.pairs} in-scope pairs matched (${(100 * ratio).toFixed(1)}%), ` +
        `${twins.outOfScope} out of scope, ${twins.lines} lines, in ${Date.now() - started} ms`,
    );
    expect(twins.lines).toBe(12342);
    expect(twins.malformed).toEqual([]);
    expect(twins.pairs).toBeGreaterThan(5000);
    expect(twins.outOfScope).toBeGreaterThan(0);
    expect(ratio).toBeGreaterThanOrEqual(0.75);
    expect(twins.created).toBe(twins.matched);
    expect(twins.alreadyPresent).toBe(0);
    expect(twins.unmatched.length).toBe(twins.pairs - twins.matched);
    const [links] = await query<{ n: number; ok: number }>(
      orm,
      `select count(*)::int as n,
              count(*) filter (where town_a_id < town_b_id and kind = 'TWINNING' and status = 'ACTIVE' and source = 'WIKIDATA')::int as ok
         from twin_link`,
    );
    expect(links.n).toBe(twins.created);
    expect(links.ok).toBe(links.n);
  });

  test('a known pair is linked: Sankt Georgen an der Gusen – Empoli', async () => {
    const rows = await query<{ a: string; b: string }>(
      orm,
      `select ta.name as a, tb.name as b from twin_link l join town ta on ta.id = l.town_a_id join town tb on tb.id = l.town_b_id
        where (ta.name = 'Empoli' and tb.name = 'Sankt Georgen an der Gusen') or (tb.name = 'Empoli' and ta.name = 'Sankt Georgen an der Gusen')`,
    );
    expect(rows).toHaveLength(1);
  });

  test('importTwins is idempotent', async () => {
    const again = await importTwins(orm, TWINS_FILE);
    expect(again.created).toBe(0);
    expect(again.matched).toBe(twins.matched);
    expect(again.alreadyPresent).toBe(twins.matched);
    const [links] = await query<{ n: number }>(orm, 'select count(*)::int as n from twin_link');
    expect(links.n).toBe(twins.created);
  });

  test('a user file: malformed lines are reported with their line numbers and skipped', async () => {
    const file = writeTemp('mine.tsv', [
      HEADER, // line 1
      'Kiruna\tSweden\t67.85\t20.22\t18154\tNarvik\t68.43\t17.42\t14141\tNorway\t150\tNon-EU', // 2: valid
      'Kiruna\tSweden\t67.85\t20.22\t18154\tNarvik\t68.43', // 3: too few columns
      'Lund\tSweden\tnorth\t13.19\t\tGreifswald\t54.09\t13.38\t\tGermany\t200\tEU', // 4: non-numeric coordinate
      '', // 5: blank, ignored
      '\tSweden\t55.7\t13.19\t\tGreifswald\t54.09\t13.38\t\tGermany\t200\tEU', // 6: empty name
      'Lund\tSweden\t55.705\t13.19\t\tBoston\t42.36\t-71.06\t\tUnited States of America\t6000\tNon-EU', // 7: out of scope
      'Sundsvall\tDenmark\t62.39\t17.31\t\tPorvoo\t60.39\t25.66\t\tFinland\t400\tEU', // 8: wrong country in the file
      'Nowhereville\tSweden\t60.0\t15.0\t\tNarvik\t68.43\t17.42\t\tNorway\t900\tNon-EU', // 9: unmatched
      'Narvik\tNorway\t68.43\t17.42\t14141\tKiruna\t67.85\t20.22\t18154\tSweden\t150\tNon-EU', // 10: line 2 the other way round
      'Kiruna\tSweden\t67.85\t20.22\t18154\tNarvik\t68.43\t17.42\t14141\tNorway\t150\tNon-EU\textra', // 11: too many columns
    ]);
    const report = await importTwins(orm, file, { source: 'IMPORT' });
    expect(report.lines).toBe(9);
    expect(report.malformed.map((m) => m.line)).toEqual([3, 4, 6, 11]);
    expect(report.malformed[0].reason).toMatch(/columns/);
    expect(report.malformed[1].reason).toMatch(/originlat/);
    expect(report.malformed[2].reason).toMatch(/origincityLabel/);
    expect(report.outOfScope).toBe(1);
    expect(report.pairs).toBe(3); // Kiruna–Narvik (twice in the file), Sundsvall–Porvoo, Nowhereville–Narvik
    expect(report.matched).toBe(2);
    expect(report.unmatched).toEqual([
      expect.objectContaining({ line: 9, origin: 'Nowhereville (Sweden)', reason: expect.stringContaining('Nowhereville') }),
    ]);
    expect(report.created + report.alreadyPresent).toBe(2);
    const rows = await query<{ source: string; country: string }>(
      orm,
      `select l.source, trim(t.country) as country from twin_link l join town t on t.id in (l.town_a_id, l.town_b_id)
        join town o on o.id in (l.town_a_id, l.town_b_id) and o.id <> t.id
        where t.name = 'Sundsvall' and o.name = 'Porvoo'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].country).toBe('SE');
  });

  test('a file without the expected header is a hard error', async () => {
    const file = writeTemp('bad.tsv', ['a\tb\tc', '1\t2\t3']);
    await expect(importTwins(orm, file)).rejects.toThrow(/missing column/);
    await expect(importTwins(orm, path.join(os.tmpdir(), 'does-not-exist.tsv'))).rejects.toThrow();
  });

  test('seedDemo fills an empty database with plausible schools and classes, then does nothing', async () => {
    const started = Date.now();
    const demo = await seedDemo(orm, 20261127);
    console.info(`seedDemo: ${demo.schools} schools, ${demo.classes} classes in ${Date.now() - started} ms`);
    expect(demo.schools).toBe(600);
    expect(demo.classes).toBeGreaterThanOrEqual(1800);
    expect(demo.classes).toBeLessThanOrEqual(2400);

    const [spread] = await query<{ countries: number; twinned: number }>(
      orm,
      `select count(distinct t.country)::int as countries,
              count(*) filter (where exists (select 1 from twin_edge e where e.town_id = s.town_id))::int as twinned
         from school s join town t on t.id = s.town_id`,
    );
    expect(spread.countries).toBeGreaterThanOrEqual(40);
    expect(spread.twinned).toBeGreaterThan(demo.schools / 2);
    // Partner schools in both towns of many twin links.
    const [partners] = await query<{ n: number }>(
      orm,
      `select count(*)::int as n from twin_link l
        where exists (select 1 from school s where s.town_id = l.town_a_id) and exists (select 1 from school s where s.town_id = l.town_b_id)`,
    );
    expect(partners.n).toBeGreaterThan(100);

    const [checks] = await query<Record<string, number>>(
      orm,
      `select
         (select count(*) from school_class where pupil_count not between 12 and 32)::int as bad_pupils,
         (select count(*) from school_class c join school s on s.id = c.school_id
           where (s.kind = 'PRIMARY' and c.age_max > 12) or (s.kind = 'UPPER_SECONDARY' and c.age_min < 14)
              or (s.kind = 'LOWER_SECONDARY' and (c.age_min < 10 or c.age_max > 16)))::int as bad_ages,
         (select count(*) from (select school_id from school_class group by school_id having count(*) not between 2 and 5) x)::int as bad_class_counts,
         (select count(*) from school_class c where not exists (select 1 from class_language l where l.class_id = c.id and l.role = 'INSTRUCTION'))::int as no_instruction,
         (select count(*) from (select c.id from school_class c left join class_language l on l.class_id = c.id and l.role = 'LEARNING'
                                group by c.id having count(l.id) not between 1 and 3) x)::int as bad_learning,
         (select count(*) from school_class where cardinality(themes) = 0 or not themes <@ array['ENVIRONMENT','FUTURE_OF_EUROPE','HUMAN_RIGHTS','PEACE','SOCIAL_INCLUSION','SPORT','CULTURE','LANGUAGE_LEARNING','DIGITAL','OTHER'])::int as bad_themes,
         (select count(*) from school_class where exists (select 1 from unnest(subjects) s where s <> lower(s)))::int as bad_subjects,
         (select count(*) from availability_window where starts_on < date '2027-01-01' or ends_on > date '2027-12-31')::int as bad_windows,
         (select count(*) from school where cardinality(instruction_languages) = 0)::int as no_school_languages,
         (select count(*) from school_class where listing_expires_at is null)::int as no_expiry,
         (select count(*) from school_class where listing_expires_at is not null and listing_expires_at < timestamptz '2027-01-01')::int as early_expiry,
         (select count(*) from school_class where looking_for_partners)::int as looking`,
    );
    expect(checks).toMatchObject({
      bad_pupils: 0,
      bad_ages: 0,
      bad_class_counts: 0,
      no_instruction: 0,
      bad_learning: 0,
      bad_themes: 0,
      bad_subjects: 0,
      bad_windows: 0,
      no_school_languages: 0,
      early_expiry: 0,
    });
    expect(checks.no_expiry).toBeGreaterThan(0);
    expect(checks.looking).toBeGreaterThan(demo.classes * 0.7);

    // Swedish schools teach in Swedish; their classes learn other languages.
    const swedish = await query<{ instruction_languages: string[] }>(
      orm,
      `select s.instruction_languages from school s join town t on t.id = s.town_id where t.country = 'SE'`,
    );
    expect(swedish.length).toBeGreaterThan(0);
    expect(swedish.every((s) => s.instruction_languages[0] === 'sv')).toBe(true);

    // Exchanges between paired schools, in every state the demo uses, each consistent with its guards.
    expect(demo.exchanges).toBeGreaterThan(40);
    const [ex] = await query<Record<string, number>>(
      orm,
      `select
         (select count(distinct status) from exchange)::int as statuses,
         (select count(*) from exchange e where status in ('PLANNED', 'COMPLETED') and (
            not exists (select 1 from visit v where v.exchange_id = e.id)
            or not exists (select 1 from goal g where g.exchange_id = e.id and g.evaluation_on is not null)))::int as unplanned,
         (select count(*) from goal g join exchange e on e.id = g.exchange_id
           where e.status = 'COMPLETED' and not exists (select 1 from evaluation v where v.goal_id = g.id))::int as unevaluated,
         (select count(*) from exchange e where e.version <> (select count(*) from exchange_event x where x.exchange_id = e.id))::int as bad_versions,
         (select count(*) from exchange e where (select count(*) from exchange_class c where c.exchange_id = e.id) <> 2)::int as bad_classes,
         (select count(distinct currency) from budget_line)::int as currencies`,
    );
    expect(ex).toMatchObject({ unplanned: 0, unevaluated: 0, bad_versions: 0, bad_classes: 0 });
    expect(ex.statuses).toBeGreaterThanOrEqual(5);
    expect(ex.currencies).toBeGreaterThan(1);

    // Not empty any more: nothing happens.
    const again = await seedDemo(orm, 1);
    expect(again).toEqual(demo);
    const [count] = await query<{ n: number }>(orm, 'select count(*)::int as n from school');
    expect(count.n).toBe(demo.schools);
  });
});

describe('seedDemo is deterministic', () => {
  const COUNTRIES = ['DK', 'FI', 'NO', 'SE'];

  async function prepare(): Promise<Orm> {
    const orm = await createTestOrm();
    await importTowns(orm, { countries: COUNTRIES });
    await importTwins(orm, TWINS_FILE);
    return orm;
  }

  async function dump(orm: Orm) {
    return {
      schools: await query(
        orm,
        `select s.id, t.geonames_id, s.name, s.kind, s.pupil_count, s.instruction_languages, s.website from school s join town t on t.id = s.town_id order by s.id`,
      ),
      classes: await query(
        orm,
        `select id, school_id, label, grade, age_min, age_max, pupil_count, subjects, themes, description, looking_for_partners,
                listing_expires_at from school_class order by id`,
      ),
      languages: await query(orm, `select class_id, language, role, level from class_language order by class_id, role, language`),
      windows: await query(orm, `select class_id, starts_on::text, ends_on::text from availability_window order by class_id, starts_on`),
      exchanges: await query(orm, `select id, title, status, version, themes from exchange order by id`),
      visits: await query(orm, `select exchange_id, host_school_id, starts_on::text, ends_on::text, transport_mode from visit order by id`),
    };
  }

  // One database at a time: on PostgreSQL, createTestOrm gives each jest worker one database.
  async function seedAndDump(seed: number) {
    const orm = await prepare();
    try {
      const report = await seedDemo(orm, seed, { schools: 120 });
      const countries = await query<{ country: string }>(orm, 'select distinct trim(t.country) as country from school s join town t on t.id = s.town_id');
      return { report, rows: await dump(orm), countries: countries.map((c) => c.country).sort() };
    } finally {
      await orm.close(true);
    }
  }

  test('same seed and towns give identical rows; another seed gives others', async () => {
    const a = await seedAndDump(7);
    const b = await seedAndDump(7);
    expect(a.report).toEqual(b.report);
    expect(a.report.schools).toBe(120);
    expect(a.rows.schools).toHaveLength(120);
    expect(a.rows.classes.length).toBe(a.report.classes);
    expect(a.rows.languages.length).toBeGreaterThan(a.report.classes * 2);
    expect(a.rows.windows.length).toBeGreaterThan(0);
    expect(b.rows).toEqual(a.rows);
    // Only towns of the imported countries.
    expect(a.countries).toEqual(COUNTRIES);

    const other = await seedAndDump(8);
    expect(other.rows.schools.map((s) => s.name)).not.toEqual(a.rows.schools.map((s) => s.name));
  });
});
