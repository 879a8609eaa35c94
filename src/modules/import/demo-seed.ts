import type { Orm } from '../../db';
import { CEFR_ORDER, Theme } from '../school-class/school-class.entity';
import { SchoolKind } from '../school/school.entity';
import { NEIGHBOURS, REGIONAL_LANGUAGES } from './europe';
import { chunks, sqlRunner } from './towns';
import { mulberry32 } from '../../lib/random';
import { demoExchangeRows, type DemoPairSide } from './demo-exchanges';

/**
 * Demo schools and classes in real towns. No open pan-European school
 * registry exists, so they are generated — deterministically: the same seed
 * over the same towns, twin links and country languages gives the same rows.
 * Nothing here depends on the clock.
 */

export type DemoSeedReport = { schools: number; classes: number; exchanges: number };

const DEFAULT_SCHOOLS = 600;
/** Share of the schools placed in pairs, one in each town of a twin link. */
const TWINNED_SHARE = 0.4;
const ROW_BATCH = 1000;

class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  weighted<T>(items: readonly T[], weight: (item: T) => number): T {
    const total = items.reduce((s, i) => s + weight(i), 0);
    let r = this.next() * total;
    for (const item of items) {
      r -= weight(item);
      if (r < 0) return item;
    }
    return items[items.length - 1];
  }
  /** Up to n distinct items, in pick order. */
  sample<T>(items: readonly T[], n: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0]);
    return out;
  }
}

/** Weighted picks with replacement over a fixed list (binary search on cumulative weights). */
class WeightedTable<T> {
  private readonly cumulative: number[] = [];
  private readonly total: number;
  constructor(
    private readonly items: readonly T[],
    weight: (item: T) => number,
  ) {
    let sum = 0;
    for (const item of items) {
      sum += Math.max(0, weight(item));
      this.cumulative.push(sum);
    }
    this.total = sum;
  }
  pick(random: Random): T {
    const r = random.float() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}

type TownRow = { id: number; name: string; country: string; adminCode: string | null; population: number; twinned: boolean };
type LanguageRow = { country: string; language: string; percent: number; status: string | null };

type SchoolRow = {
  id: number;
  town_id: number;
  name: string;
  kind: SchoolKind;
  pupil_count: number;
  instruction_languages: string[];
};
type ClassRow = {
  id: number;
  school_id: number;
  label: string;
  grade: string | null;
  age_min: number;
  age_max: number;
  pupil_count: number;
  subjects: string[];
  themes: Theme[];
  description: string | null;
  looking_for_partners: boolean;
  listing_expires_at: string | null;
};
type ClassLanguageRow = { class_id: number; language: string; role: 'INSTRUCTION' | 'LEARNING'; level: string | null };
type WindowRow = { class_id: number; starts_on: string; ends_on: string };

const KIND_WEIGHTS: [SchoolKind, number][] = [
  [SchoolKind.PRIMARY, 30],
  [SchoolKind.LOWER_SECONDARY, 30],
  [SchoolKind.UPPER_SECONDARY, 25],
  [SchoolKind.VOCATIONAL, 12],
  [SchoolKind.OTHER, 3],
];

const SCHOOL_SIZE: Record<SchoolKind, [number, number]> = {
  PRIMARY: [120, 650],
  LOWER_SECONDARY: [250, 1100],
  UPPER_SECONDARY: [300, 1400],
  VOCATIONAL: [250, 1600],
  OTHER: [60, 400],
};

const SUBJECTS_YOUNG = ['art', 'music', 'nature', 'geography', 'history', 'reading', 'sport', 'mathematics', 'english'];
const SUBJECTS = [
  'history', 'geography', 'art', 'music', 'biology', 'chemistry', 'physics', 'mathematics', 'literature',
  'languages', 'citizenship', 'ecology', 'ict', 'sport', 'economics', 'philosophy', 'drama', 'technology',
];
const SUBJECTS_VOCATIONAL = ['tourism', 'engineering', 'cooking', 'business', 'ict', 'healthcare', 'design', 'languages'];

const THEMES: Theme[] = [
  Theme.ENVIRONMENT, Theme.FUTURE_OF_EUROPE, Theme.HUMAN_RIGHTS, Theme.PEACE, Theme.SOCIAL_INCLUSION,
  Theme.SPORT, Theme.CULTURE, Theme.LANGUAGE_LEARNING, Theme.DIGITAL,
];
const THEME_WORDS: Record<Theme, string> = {
  ENVIRONMENT: 'the environment',
  FUTURE_OF_EUROPE: 'the future of Europe',
  HUMAN_RIGHTS: 'human rights',
  PEACE: 'peace and remembrance',
  SOCIAL_INCLUSION: 'social inclusion',
  SPORT: 'sport',
  CULTURE: 'culture and heritage',
  LANGUAGE_LEARNING: 'language learning',
  DIGITAL: 'digital skills',
  OTHER: 'a joint project',
};

const MAJOR_LANGUAGES = ['en', 'fr', 'de', 'es', 'it'];

const PATRONS: Record<string, string[]> = {
  de: ['Goethe', 'Schiller', 'Albert Einstein', 'Sophie Scholl', 'Alexander von Humboldt', 'Käthe Kollwitz'],
  fr: ['Victor Hugo', 'Marie Curie', 'Jules Verne', 'Jean Moulin', 'Simone Veil', 'Jean Jaurès'],
  it: ['Leonardo da Vinci', 'Galileo Galilei', 'Dante Alighieri', 'Maria Montessori', 'Giuseppe Garibaldi'],
  es: ['Miguel de Cervantes', 'Antonio Machado', 'Clara Campoamor', 'Federico García Lorca', 'Severo Ochoa'],
  pt: ['Luís de Camões', 'Fernando Pessoa', 'José Saramago', 'Sophia de Mello Breyner'],
};

/** School names by language of instruction; {T} is the town, {P} a patron, {N} a number. */
const NAME_TEMPLATES: Record<string, Record<SchoolKind, string[]>> = {
  de: {
    PRIMARY: ['Grundschule {T}', '{P}-Grundschule {T}', 'Volksschule {T}'],
    LOWER_SECONDARY: ['Realschule {T}', 'Gesamtschule {T}', 'Mittelschule {T}'],
    UPPER_SECONDARY: ['Gymnasium {T}', '{P}-Gymnasium {T}'],
    VOCATIONAL: ['Berufsschule {T}', 'Berufskolleg {T}'],
    OTHER: ['Freie Schule {T}', 'Waldorfschule {T}'],
  },
  fr: {
    PRIMARY: ['École élémentaire {P}', 'École primaire de {T}'],
    LOWER_SECONDARY: ['Collège {P}', 'Collège de {T}'],
    UPPER_SECONDARY: ['Lycée {P}', 'Lycée de {T}'],
    VOCATIONAL: ['Lycée professionnel de {T}', 'Lycée professionnel {P}'],
    OTHER: ['École internationale de {T}'],
  },
  it: {
    PRIMARY: ['Scuola primaria {P}', 'Scuola primaria di {T}'],
    LOWER_SECONDARY: ['Scuola secondaria di primo grado {P}', 'Scuola media di {T}'],
    UPPER_SECONDARY: ['Liceo {P}', 'Liceo scientifico di {T}', 'Liceo classico {P}'],
    VOCATIONAL: ['Istituto tecnico di {T}', 'Istituto professionale {P}'],
    OTHER: ['Scuola internazionale di {T}'],
  },
  es: {
    PRIMARY: ['CEIP {P}', 'Colegio público de {T}'],
    LOWER_SECONDARY: ['Colegio {P}', 'IES {T}'],
    UPPER_SECONDARY: ['IES {P}', 'Instituto de Bachillerato {T}'],
    VOCATIONAL: ['Centro de Formación Profesional de {T}'],
    OTHER: ['Escuela internacional de {T}'],
  },
  pt: {
    PRIMARY: ['Escola Básica de {T}', 'Escola Básica {P}'],
    LOWER_SECONDARY: ['Escola Básica 2,3 de {T}', 'Escola Básica 2,3 {P}'],
    UPPER_SECONDARY: ['Escola Secundária {P}', 'Escola Secundária de {T}'],
    VOCATIONAL: ['Escola Profissional de {T}'],
    OTHER: ['Escola Internacional de {T}'],
  },
  nl: {
    PRIMARY: ['Basisschool {T}', 'Openbare Basisschool {T}'],
    LOWER_SECONDARY: ['{T} College', 'Scholengemeenschap {T}'],
    UPPER_SECONDARY: ['Lyceum {T}', 'Stedelijk Gymnasium {T}'],
    VOCATIONAL: ['ROC {T}', 'Vakcollege {T}'],
    OTHER: ['Vrije School {T}'],
  },
  pl: {
    PRIMARY: ['Szkoła Podstawowa nr {N}, {T}'],
    LOWER_SECONDARY: ['Szkoła Podstawowa nr {N}, {T}'],
    UPPER_SECONDARY: ['Liceum Ogólnokształcące nr {N}, {T}'],
    VOCATIONAL: ['Technikum nr {N}, {T}'],
    OTHER: ['Szkoła Społeczna nr {N}, {T}'],
  },
  sv: {
    PRIMARY: ['{T} grundskola'],
    LOWER_SECONDARY: ['{T} högstadieskola'],
    UPPER_SECONDARY: ['{T} gymnasium'],
    VOCATIONAL: ['{T} yrkesgymnasium'],
    OTHER: ['{T} friskola'],
  },
  en: {
    PRIMARY: ['{T} Primary School'],
    LOWER_SECONDARY: ['{T} Secondary School', '{T} Academy'],
    UPPER_SECONDARY: ['{T} Grammar School', '{T} Sixth Form College'],
    VOCATIONAL: ['{T} College of Further Education'],
    OTHER: ['{T} Community School'],
  },
};
/** For other languages: plain English names. */
const GENERIC_TEMPLATES: Record<SchoolKind, string[]> = {
  PRIMARY: ['{T} Primary School No. {N}'],
  LOWER_SECONDARY: ['{T} Lower Secondary School No. {N}'],
  UPPER_SECONDARY: ['{T} High School No. {N}', '{T} Gymnasium'],
  VOCATIONAL: ['{T} Vocational School'],
  OTHER: ['{T} International School'],
};

/** Main official language(s) of a country, strongest first; 'en' when none is known. */
function mainLanguages(rows: readonly LanguageRow[]): LanguageRow[] {
  const official = rows.filter((r) => r.status === 'official');
  const deFacto = rows.filter((r) => r.status === 'de_facto_official');
  const chosen = official.length > 0 ? official : deFacto.length > 0 ? deFacto : [...rows].sort((a, b) => b.percent - a.percent).slice(0, 1);
  return [...chosen].sort((a, b) => b.percent - a.percent || a.language.localeCompare(b.language));
}

/** CEFR index range a learner of this age plausibly reaches; later languages one step lower. */
function levelRange(age: number, order: number): [number, number] {
  const ranges: [number, number][] =
    age <= 8 ? [[0, 0]] : age <= 10 ? [[0, 1]] : age <= 12 ? [[0, 2]] : age <= 14 ? [[1, 3]] : age <= 16 ? [[2, 3]] : age <= 19 ? [[2, 4]] : [[3, 5]];
  const [lo, hi] = ranges[0];
  const shift = Math.min(order, 2);
  return [Math.max(0, lo - shift), Math.max(0, hi - shift)];
}

function isoDate(year: number, dayOfYear: number): string {
  const d = new Date(Date.UTC(year, 0, 1) + dayOfYear * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** Day-of-year 2027 ranges in term time: spring and autumn. */
const TERM_PERIODS: [number, number][] = [
  [59, 165], // 1 March – 15 June
  [257, 333], // 15 September – 30 November
];

type Plan = { town: TownRow; kind: SchoolKind; partnerLanguages: string[]; partnerGrade?: number };

/**
 * Creates demo schools and classes, unless there already are schools (then
 * nothing is written and the current counts are returned).
 */
export async function seedDemo(orm: Orm, seed: number, opts: { schools?: number } = {}): Promise<DemoSeedReport> {
  const target = Math.max(0, Math.floor(opts.schools ?? DEFAULT_SCHOOLS));
  return orm.em.fork().transactional(async (em) => {
    const sql = sqlRunner(em);
    const [existing] = await sql<{ schools: number; classes: number; exchanges: number }>(
      `select (select count(*) from "school")::int as "schools", (select count(*) from "school_class")::int as "classes",
              (select count(*) from "exchange")::int as "exchanges"`,
    );
    if (existing.schools > 0) return { schools: existing.schools, classes: existing.classes, exchanges: existing.exchanges };

    const [{ towns: json }] = await sql<{ towns: string }>(
      `select coalesce(json_agg(json_build_array(t."id", t."name", trim(t."country"), t."admin_code", t."population",
                exists (select 1 from "twin_edge" e where e."town_id" = t."id" and e."status" <> 'ENDED')) order by t."geonames_id"), '[]')::text as "towns"
         from "town" t`,
    );
    const towns = (JSON.parse(json) as [number, string, string, string | null, number, boolean][]).map(
      ([id, name, country, adminCode, population, twinned]): TownRow => ({ id, name, country, adminCode, population, twinned }),
    );
    if (towns.length === 0 || target === 0) return { schools: 0, classes: 0, exchanges: 0 };
    const links = await sql<{ a: number; b: number }>(
      `select l."town_a_id" as "a", l."town_b_id" as "b"
         from "twin_link" l join "town" ta on ta."id" = l."town_a_id" join "town" tb on tb."id" = l."town_b_id"
        where l."status" <> 'ENDED'
        order by least(ta."geonames_id", tb."geonames_id"), greatest(ta."geonames_id", tb."geonames_id"), l."kind"`,
    );
    const languageRows = await sql<LanguageRow>(
      `select trim("country") as "country", "language", "population_percent" as "percent", "official_status" as "status"
         from "country_language" order by "country", "language"`,
    );

    const random = new Random(seed);
    const townById = new Map(towns.map((t) => [t.id, t]));
    const languagesByCountry = new Map<string, LanguageRow[]>();
    for (const row of languageRows) {
      // Norwegian: CLDR lists "no" beside "nb" and "nn"; classes use the one code "no".
      const language = row.language === 'nb' || row.language === 'nn' ? 'no' : row.language;
      const list = languagesByCountry.get(row.country) ?? [];
      const same = list.find((l) => l.language === language);
      if (!same) list.push({ ...row, language });
      else if (row.percent > same.percent) Object.assign(same, { percent: row.percent, status: same.status ?? row.status });
      languagesByCountry.set(row.country, list);
    }
    const mainByCountry = (country: string) => mainLanguages(languagesByCountry.get(country) ?? []);
    /** The region's languages where they differ within the country, else the main official language(s) spoken by 60%+. */
    const instructionLanguages = (town: TownRow): string[] => {
      const regional = town.adminCode ? REGIONAL_LANGUAGES[town.country]?.[town.adminCode] : undefined;
      if (regional) return [...regional];
      const main = mainByCountry(town.country);
      if (main.length === 0) return ['en'];
      return [main[0].language, ...main.slice(1).filter((m) => m.percent >= 60).map((m) => m.language)];
    };
    const kindTable = new WeightedTable(KIND_WEIGHTS, ([, w]) => w);

    // 1. Plans: pairs of schools in twinned towns, then schools spread over the countries.
    const plans: Plan[] = [];
    const pairCount = links.length > 0 ? Math.floor((target * TWINNED_SHARE) / 2) : 0;
    if (pairCount > 0) {
      const linkTable = new WeightedTable(links, (l) =>
        Math.sqrt(Math.min(townById.get(l.a)!.population, townById.get(l.b)!.population) + 1000),
      );
      for (let i = 0; i < pairCount; i++) {
        const link = linkTable.pick(random);
        const a = townById.get(link.a)!;
        const b = townById.get(link.b)!;
        const [kind] = kindTable.pick(random);
        const grade = random.int(0, 3);
        plans.push({ town: a, kind, partnerLanguages: instructionLanguages(b), partnerGrade: grade });
        plans.push({ town: b, kind, partnerLanguages: instructionLanguages(a), partnerGrade: grade });
      }
    }
    const byCountry = new Map<string, TownRow[]>();
    for (const t of towns) {
      const list = byCountry.get(t.country) ?? [];
      list.push(t);
      byCountry.set(t.country, list);
    }
    const countries = [...byCountry.keys()].sort();
    const remaining = target - plans.length;
    const countryWeight = new Map(countries.map((c) => [c, Math.sqrt(byCountry.get(c)!.reduce((s, t) => s + t.population, 0) + 1)]));
    const totalWeight = [...countryWeight.values()].reduce((s, w) => s + w, 0);
    const floorEach = remaining >= countries.length ? 1 : 0;
    const spread = remaining - floorEach * countries.length;
    const quotas = countries.map((c) => {
      const exact = (spread * countryWeight.get(c)!) / totalWeight;
      return { country: c, n: floorEach + Math.floor(exact), rest: exact - Math.floor(exact) };
    });
    let left = remaining - quotas.reduce((s, q) => s + q.n, 0);
    for (const q of [...quotas].sort((x, y) => y.rest - x.rest || x.country.localeCompare(y.country))) {
      if (left <= 0) break;
      q.n++;
      left--;
    }
    for (const { country, n } of quotas) {
      if (n === 0) continue;
      const table = new WeightedTable(byCountry.get(country)!, (t) => Math.sqrt(t.population + 100) * (t.twinned ? 3 : 1));
      for (let i = 0; i < n; i++) plans.push({ town: table.pick(random), kind: kindTable.pick(random)[0], partnerLanguages: [] });
    }

    // 2. Rows.
    // Ids are reserved from the sequences first, so that rows can refer to each other in batched inserts.
    const reserveIds = async (table: string, n: number): Promise<number[]> => {
      const rows = await sql<{ id: number }>(`select nextval(pg_get_serial_sequence(?, 'id'))::int as "id" from generate_series(1, ?::int)`, [table, n]);
      return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    };
    const schoolIds = await reserveIds('school', plans.length);
    const schools: SchoolRow[] = [];
    const classes: ClassRow[] = [];
    const classLanguages: ClassLanguageRow[] = [];
    const windows: WindowRow[] = [];
    const usedNames = new Set<string>();
    /** The first class of each paired school (same grade on both sides): the demo exchanges join them. */
    const pairedClass = new Map<number, number>();

    for (const [i, plan] of plans.entries()) {
      const { town, kind } = plan;
      const instruction = instructionLanguages(town);
      const first = instruction[0];

      const nameLanguage = instruction.find((l) => NAME_TEMPLATES[l]) ?? first;
      const templates = NAME_TEMPLATES[nameLanguage]?.[kind] ?? GENERIC_TEMPLATES[kind];
      const patrons = PATRONS[nameLanguage] ?? [];
      let name = random
        .pick(templates)
        .replace('{T}', town.name)
        .replace('{P}', patrons.length > 0 ? random.pick(patrons) : town.name)
        .replace('{N}', String(random.int(1, 12)));
      for (let n = 2; usedNames.has(`${town.id}|${name}`); n++) name = `${name.replace(/ \(\d+\)$/, '')} (${n})`;
      usedNames.add(`${town.id}|${name}`);
      const schoolId = schoolIds[i];
      const [minSize, maxSize] = SCHOOL_SIZE[kind];
      schools.push({ id: schoolId, town_id: town.id, name: name.slice(0, 200), kind, pupil_count: random.int(minSize, maxSize), instruction_languages: instruction });

      const neighbourLanguages = (NEIGHBOURS[town.country] ?? []).flatMap((c) => mainByCountry(c).slice(0, 1).map((m) => m.language));
      const classCount = random.int(2, 5);
      const labels = new Set<string>();
      for (let c = 0; c < classCount; c++) {
        const grade = c === 0 && plan.partnerGrade !== undefined ? plan.partnerGrade : undefined;
        const shape = classShape(kind, random, grade);
        let letter = random.int(0, 3);
        let label = shape.label(String.fromCharCode(65 + letter));
        while (labels.has(label)) label = shape.label(String.fromCharCode(65 + ++letter));
        labels.add(label);

        const subjectPool = kind === SchoolKind.VOCATIONAL ? SUBJECTS_VOCATIONAL : shape.ageMax <= 11 ? SUBJECTS_YOUNG : SUBJECTS;
        const subjects = random.sample(subjectPool, random.int(1, 4));
        const themes = random.chance(0.05) ? [Theme.OTHER] : random.sample(THEMES, random.int(1, 3));
        const description = random.chance(0.6)
          ? `Class ${label} (${shape.ageMin}–${shape.ageMax} years) would like to work with a partner class on ${themes.map((t) => THEME_WORDS[t]).join(' and ')}.`
          : null;
        const expires = random.chance(0.3) ? null : `${isoDate(random.chance(0.6) ? 2027 : 2028, random.int(0, 180))}T12:00:00.000Z`;
        const classId = classes.length; // an index for now, replaced by a reserved id below
        if (c === 0 && plan.partnerGrade !== undefined) pairedClass.set(i, classId);
        classes.push({
          id: classId,
          school_id: schoolId,
          label,
          grade: shape.grade,
          age_min: shape.ageMin,
          age_max: shape.ageMax,
          pupil_count: random.int(12, 32),
          subjects,
          themes,
          description,
          looking_for_partners: random.chance(0.85),
          listing_expires_at: expires,
        });

        for (const language of instruction) classLanguages.push({ class_id: classId, language, role: 'INSTRUCTION', level: null });
        const learnCount = kind === SchoolKind.UPPER_SECONDARY ? random.int(2, 3) : kind === SchoolKind.LOWER_SECONDARY ? random.int(1, 3) : random.int(1, 2);
        const learned: string[] = [];
        const candidates = [...new Set([...MAJOR_LANGUAGES, ...neighbourLanguages, ...plan.partnerLanguages])].filter((l) => !instruction.includes(l));
        if (!instruction.includes('en') && random.chance(0.85)) learned.push('en');
        const partner = plan.partnerLanguages.find((l) => !instruction.includes(l) && !learned.includes(l));
        if (partner && random.chance(0.7)) learned.push(partner);
        while (learned.length < learnCount) {
          const pool = candidates.filter((l) => !learned.includes(l));
          if (pool.length === 0) break;
          learned.push(random.weighted(pool, (l) => (MAJOR_LANGUAGES.includes(l) ? 3 : 2)));
        }
        for (const [order, language] of learned.slice(0, 3).entries()) {
          const [lo, hi] = levelRange(shape.ageMax, order);
          classLanguages.push({ class_id: classId, language, role: 'LEARNING', level: CEFR_ORDER[random.int(lo, hi)] });
        }

        const windowCount = random.weighted([0, 1, 2], (n) => [0.2, 0.45, 0.35][n]);
        const periods = windowCount === 2 ? TERM_PERIODS : windowCount === 1 ? [random.pick(TERM_PERIODS)] : [];
        for (const [from, to] of periods) {
          const length = random.int(5, 14);
          const start = random.int(from, to - length);
          windows.push({ class_id: classId, starts_on: isoDate(2027, start), ends_on: isoDate(2027, start + length - 1) });
        }
      }
    }

    const classIds = await reserveIds('school_class', classes.length);
    for (const c of classes) c.id = classIds[c.id];
    for (const l of classLanguages) l.class_id = classIds[l.class_id];
    for (const w of windows) w.class_id = classIds[w.class_id];

    for (const batch of chunks(schools, ROW_BATCH)) {
      await sql(
        `insert into "school" ("id", "town_id", "name", "kind", "pupil_count", "instruction_languages")
         select x.id, x.town_id, x.name, x.kind, x.pupil_count, x.instruction_languages
           from json_to_recordset(?::json) as x(id int, town_id int, name text, kind text, pupil_count int, instruction_languages text[])`,
        [JSON.stringify(batch)],
      );
    }
    for (const batch of chunks(classes, ROW_BATCH)) {
      await sql(
        `insert into "school_class" ("id", "school_id", "label", "grade", "age_min", "age_max", "pupil_count", "subjects", "themes",
                                     "description", "looking_for_partners", "listing_expires_at")
         select x.id, x.school_id, x.label, x.grade, x.age_min, x.age_max, x.pupil_count, x.subjects, x.themes,
                x.description, x.looking_for_partners, x.listing_expires_at
           from json_to_recordset(?::json) as x(id int, school_id int, label text, grade text, age_min smallint, age_max smallint,
                pupil_count int, subjects text[], themes text[], description text, looking_for_partners boolean, listing_expires_at timestamptz)`,
        [JSON.stringify(batch)],
      );
    }
    for (const batch of chunks(classLanguages, ROW_BATCH * 2)) {
      await sql(
        `insert into "class_language" ("class_id", "language", "role", "level")
         select x.class_id, x.language, x.role, x.level from json_to_recordset(?::json) as x(class_id int, language text, role text, level text)`,
        [JSON.stringify(batch)],
      );
    }
    for (const batch of chunks(windows, ROW_BATCH * 2)) {
      await sql(
        `insert into "availability_window" ("class_id", "starts_on", "ends_on")
         select x.class_id, x.starts_on, x.ends_on from json_to_recordset(?::json) as x(class_id int, starts_on date, ends_on date)`,
        [JSON.stringify(batch)],
      );
    }
    const exchanges = await insertDemoExchanges(sql, reserveIds, seed, pairCount, (planIndex) => {
      const classIndex = pairedClass.get(planIndex)!;
      const row = classes[classIndex]!;
      const plan = plans[planIndex]!;
      return { schoolId: schools[planIndex]!.id, classId: row.id, country: plan.town.country, townName: plan.town.name, pupils: row.pupil_count };
    });
    return { schools: schools.length, classes: classes.length, exchanges };
  });
}

/** Demo exchanges between the paired schools (see demo-exchanges.ts), inserted in batches. */
async function insertDemoExchanges(
  sql: ReturnType<typeof sqlRunner>,
  reserveIds: (table: string, n: number) => Promise<number[]>,
  seed: number,
  pairCount: number,
  side: (planIndex: number) => DemoPairSide,
): Promise<number> {
  const pairs: [DemoPairSide, DemoPairSide][] = [];
  for (let p = 0; p < pairCount; p++) pairs.push([side(2 * p), side(2 * p + 1)]);
  const counters = { exchange: 0, visit: 0, goal: 0 };
  const rows = demoExchangeRows(pairs, seed, {
    exchange: () => counters.exchange++,
    visit: () => counters.visit++,
    goal: () => counters.goal++,
  });
  if (rows.exchanges.length === 0) return 0;
  const [exchangeIds, visitIds, goalIds] = [
    await reserveIds('exchange', counters.exchange),
    await reserveIds('visit', counters.visit),
    await reserveIds('goal', counters.goal),
  ];
  const insert = async (table: string, columns: string, types: string, data: unknown[]) => {
    for (const batch of chunks(data, ROW_BATCH)) {
      await sql(`insert into "${table}" (${columns}) select ${columns} from json_to_recordset(?::json) as x(${types})`, [JSON.stringify(batch)]);
    }
  };
  await insert(
    'exchange',
    'id, title, description, themes, european_dimension, status, cancel_reason, version, created_at, updated_at',
    'id int, title text, description text, themes text[], european_dimension text, status text, cancel_reason text, version int, created_at timestamptz, updated_at timestamptz',
    rows.exchanges.map((e) => ({ ...e, id: exchangeIds[e.id] })),
  );
  await insert(
    'exchange_class',
    'exchange_id, class_id, school_id, role',
    'exchange_id int, class_id int, school_id int, role text',
    rows.exchangeClasses.map((c) => ({ ...c, exchange_id: exchangeIds[c.exchange_id] })),
  );
  const visits = rows.visits.map((v) => ({ ...v, id: visitIds[v.id], exchange_id: exchangeIds[v.exchange_id] }));
  await insert(
    'visit',
    'id, exchange_id, host_school_id, starts_on, ends_on, participant_count, accompanying_teacher_count, transport_mode, green_travel, accommodation',
    'id int, exchange_id int, host_school_id int, starts_on date, ends_on date, participant_count int, accompanying_teacher_count int, transport_mode text, green_travel boolean, accommodation text',
    visits,
  );
  await insert('visit_guest_class', 'visit_id, class_id', 'visit_id int, class_id int', visits.map((v) => ({ visit_id: v.id, class_id: v.guest_class_id })));
  await insert(
    'goal',
    'id, exchange_id, description, indicator, target, evaluation_on',
    'id int, exchange_id int, description text, indicator text, target text, evaluation_on date',
    rows.goals.map((g) => ({ ...g, id: goalIds[g.id], exchange_id: exchangeIds[g.exchange_id] })),
  );
  await insert('evaluation', 'goal_id, evaluated_on, outcome, notes', 'goal_id int, evaluated_on date, outcome int, notes text', rows.evaluations.map((e) => ({ ...e, goal_id: goalIds[e.goal_id] })));
  await insert(
    'budget_line',
    'exchange_id, category, description, amount_minor, currency, basis',
    'exchange_id int, category text, description text, amount_minor int, currency text, basis text',
    rows.budgetLines.map((l) => ({ ...l, exchange_id: exchangeIds[l.exchange_id] })),
  );
  await insert(
    'funding_source',
    'exchange_id, kind, description, amount_minor, currency, status',
    'exchange_id int, kind text, description text, amount_minor int, currency text, status text',
    rows.fundingSources.map((f) => ({ ...f, exchange_id: exchangeIds[f.exchange_id] })),
  );
  await insert(
    'exchange_event',
    'exchange_id, at, kind, summary, from_status, to_status',
    'exchange_id int, at timestamptz, kind text, summary text, from_status text, to_status text',
    rows.events.map((e) => ({ ...e, exchange_id: exchangeIds[e.exchange_id] })),
  );
  return rows.exchanges.length;
}

type ClassShape = { ageMin: number; ageMax: number; grade: string | null; label: (letter: string) => string };

/**
 * Grade and ages of a class for a kind of school. `index` (0–3) fixes the
 * grade within the kind's range, so that paired schools share one grade.
 */
function classShape(kind: SchoolKind, random: Random, index?: number): ClassShape {
  const within = (lo: number, hi: number) => (index === undefined ? random.int(lo, hi) : lo + Math.min(index, hi - lo));
  switch (kind) {
    case SchoolKind.PRIMARY: {
      const g = within(1, 6);
      return { ageMin: 5 + g, ageMax: 6 + g, grade: `Grade ${g}`, label: (l) => `${g}${l}` };
    }
    case SchoolKind.LOWER_SECONDARY: {
      const g = within(5, 9);
      return { ageMin: 5 + g, ageMax: 6 + g, grade: `Grade ${g}`, label: (l) => `${g}${l}` };
    }
    case SchoolKind.UPPER_SECONDARY: {
      const g = within(10, 13);
      return { ageMin: 5 + g, ageMax: Math.min(19, 6 + g), grade: `Grade ${g}`, label: (l) => `${g}${l}` };
    }
    case SchoolKind.VOCATIONAL: {
      const y = within(1, 3);
      return { ageMin: 15 + y, ageMax: 17 + y, grade: `Year ${y}`, label: (l) => `V${y}${l}` };
    }
    default: {
      const min = within(10, 14);
      return { ageMin: min, ageMax: min + 3, grade: null, label: (l) => `Group ${l}` };
    }
  }
}
