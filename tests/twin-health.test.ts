import { CreateTwinLinkDocument, TownExchangeStatsDocument, TownsExchangeStatsDocument, TwinLinksHealthDocument, type ExchangeStatus } from '../schema/generated/graphql';
import { toGlobalId } from '../src/lib/global-id';
import { activityCutoff } from '../src/modules/twin-link/twin-link-health';
import { createClass, createSchool } from './fixtures/schools';
import { insertTowns, type TownName } from './fixtures/towns';
import { addVisit, advance, createExchange, daysFromToday, transition, type PlannedExchange } from './fixtures/planned-exchanges';
import { createTestApi, expectData, type TestApi } from './helpers/api';

let api: TestApi;
let towns: Record<TownName | 'Lund', string>;
const school: Partial<Record<TownName | 'Malmö B', string>> = {};
const link: Record<string, string> = {};

const today = daysFromToday(0);
/** The rule, written out: school years start on 1 September; the window is the current one and the two before. */
const now = new Date();
const currentSchoolYear = now.getUTCMonth() >= 8 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
const cutoff = `${currentSchoolYear - 2}-09-01`;
const around = (date: string, days: number) => daysFromToday(days, new Date(`${date}T00:00:00Z`));
const yearOf = (date: string) => Number(date.slice(0, 4));

/** An exchange between a fresh class of each school, so no two visits of one class ever overlap. */
async function exchangeOf(title: string, schools: (TownName | 'Malmö B')[]) {
  const classes = [];
  for (const s of schools) classes.push((await createClass(api, school[s]!)).id);
  const exchange = await createExchange(api.admin, title, classes[0]!, classes.slice(1));
  return { exchange, classes };
}

async function visit(exchange: PlannedExchange, host: TownName | 'Malmö B', guests: string[], startsOn: string, endsOn: string) {
  await addVisit(api.admin, exchange, { hostSchoolId: school[host]!, guestClassIds: guests, startsOn, endsOn, participantCount: 12, accompanyingTeacherCount: 2 });
}

/** What the exchanges below put in each town's statistics: [status, year of first visit or creation]. */
const expected: Partial<Record<TownName, [ExchangeStatus, number][]>> = {};
const expect_ = (town: TownName, status: ExchangeStatus, year: number) => (expected[town] ??= []).push([status, year]);

beforeAll(async () => {
  api = await createTestApi();
  const inserted = await insertTowns(api.orm);
  const [lund] = await api.orm.em.getConnection().execute<{ id: number }[]>(
    `insert into town (geonames_id, name, search_name, country, population, latitude, longitude) values (2693678, 'Lund', 'lund', 'SE', 91940, 55.70584, 13.19321) returning id`,
  );
  towns = { ...inserted, Lund: toGlobalId('Town', lund!.id) };
  for (const name of ['Malmö', 'Kraków', 'Paris', 'Lyon', 'Stockholm', 'Uppsala', 'Munich', 'Göteborg'] as const) school[name] = (await createSchool(api, towns[name])).id;
  school['Malmö B'] = (await createSchool(api, towns['Malmö'])).id;
  for (const [a, b] of [['Malmö', 'Kraków'], ['Munich', 'Göteborg'], ['Paris', 'Lyon'], ['Stockholm', 'Uppsala'], ['Malmö', 'Paris']] as const) {
    const res = expectData(await api.admin.exec(CreateTwinLinkDocument, { input: { townAId: towns[a], townBId: towns[b] } }));
    link[`${a}–${b}`] = res.createTwinLink.twinLink!.id;
  }

  // Malmö–Kraków: one exchange whose visit ended exactly on the cutoff (two Malmö schools: it counts once for Malmö) …
  const e1 = await exchangeOf('On the cutoff', ['Malmö', 'Malmö B', 'Kraków']);
  await visit(e1.exchange, 'Kraków', [e1.classes[0]!, e1.classes[1]!], around(cutoff, -3), cutoff);
  await advance(api.admin, e1.exchange, 'COMPLETED');
  for (const t of ['Malmö', 'Kraków'] as const) expect_(t, 'COMPLETED', yearOf(around(cutoff, -3)));
  // … and one five years ago, still being evaluated.
  const e1b = await exchangeOf('Long ago', ['Malmö', 'Kraków']);
  await visit(e1b.exchange, 'Malmö', [e1b.classes[1]!], daysFromToday(-1830), daysFromToday(-1826));
  await advance(api.admin, e1b.exchange, 'EVALUATING');
  for (const t of ['Malmö', 'Kraków'] as const) expect_(t, 'EVALUATING', yearOf(daysFromToday(-1830)));

  // Munich–Göteborg: the last visit ended the day before the cutoff.
  const e4 = await exchangeOf('Just too old', ['Munich', 'Göteborg']);
  await visit(e4.exchange, 'Göteborg', [e4.classes[0]!], around(cutoff, -5), around(cutoff, -1));
  await advance(api.admin, e4.exchange, 'COMPLETED');

  // Paris–Lyon: ongoing; the first visit is over, the second has not started (and does not count yet).
  const e2 = await exchangeOf('Half way', ['Paris', 'Lyon']);
  await visit(e2.exchange, 'Lyon', [e2.classes[0]!], daysFromToday(-10), daysFromToday(-5));
  await visit(e2.exchange, 'Paris', [e2.classes[1]!], daysFromToday(30), daysFromToday(35));
  await advance(api.admin, e2.exchange, 'ONGOING');
  expect_('Paris', 'ONGOING', yearOf(daysFromToday(-10)));

  // Stockholm–Uppsala: a visit under way today.
  const e3 = await exchangeOf('Right now', ['Stockholm', 'Uppsala']);
  await visit(e3.exchange, 'Stockholm', [e3.classes[1]!], daysFromToday(-2), daysFromToday(3));
  await advance(api.admin, e3.exchange, 'ONGOING');

  // Malmö–Paris: visits in the past, but the exchanges never went ahead (PLANNED, CANCELLED).
  const e5 = await exchangeOf('Never started', ['Malmö', 'Paris']);
  await visit(e5.exchange, 'Paris', [e5.classes[0]!], daysFromToday(-40), daysFromToday(-38));
  await advance(api.admin, e5.exchange, 'PLANNED');
  const e5b = await exchangeOf('Called off', ['Malmö', 'Paris']);
  await visit(e5b.exchange, 'Paris', [e5b.classes[0]!], daysFromToday(-60), daysFromToday(-58));
  await advance(api.admin, e5b.exchange, 'PLANNED');
  await transition(api.admin, e5b.exchange, 'CANCELLED', 'A strike closed the schools.');
  for (const t of ['Malmö', 'Paris'] as const) {
    expect_(t, 'PLANNED', yearOf(daysFromToday(-40)));
    expect_(t, 'CANCELLED', yearOf(daysFromToday(-60)));
  }

  // Malmö–Kraków again: proposed without visits (the year of creation), and a draft nobody else may count.
  const e6 = await exchangeOf('Just proposed', ['Malmö', 'Kraków']);
  await transition(api.admin, e6.exchange, 'PROPOSED');
  for (const t of ['Malmö', 'Kraków'] as const) expect_(t, 'PROPOSED', yearOf(today));
  await exchangeOf('Still a draft', ['Malmö', 'Kraków']);
});
afterAll(() => api.close());

describe('TwinLink.health and lastActivityAt', () => {
  it('puts the cutoff on 1 September two school years before the current one', () => {
    expect(activityCutoff('2026-11-27')).toBe('2024-09-01');
    expect(activityCutoff('2026-09-01')).toBe('2024-09-01');
    expect(activityCutoff('2026-08-31')).toBe('2023-09-01');
    expect(activityCutoff('2027-01-01')).toBe('2024-09-01');
    expect(activityCutoff(today)).toBe(cutoff);
  });

  it('is ACTIVE when an exchange between the two towns ran in the last three school years, for anyone to read', async () => {
    const links = expectData(await api.exec(TwinLinksHealthDocument, { first: 10 })).twinLinks.edges.map((e) => e.node);
    const byName = Object.fromEntries(links.map((l) => [[l.townA.name, l.townB.name].sort().join('–'), l]));
    const health = (a: string, b: string) => {
      const l = byName[[a, b].sort().join('–')]!;
      return [l.health, l.lastActivityAt];
    };
    // Public: the month only (health is decided on the exact date).
    const month = (date: string) => `${date.slice(0, 7)}-01`;
    // The visit that ended on the cutoff counts; the older exchange does not lower it.
    expect(health('Malmö', 'Kraków')).toEqual(['ACTIVE', month(cutoff)]);
    // One day earlier is outside the window.
    expect(health('Munich', 'Göteborg')).toEqual(['DORMANT', month(around(cutoff, -1))]);
    // Only visits that started count: the end of the first visit, not the future one.
    expect(health('Paris', 'Lyon')).toEqual(['ACTIVE', month(daysFromToday(-5))]);
    // A visit under way: capped at today.
    expect(health('Stockholm', 'Uppsala')).toEqual(['ACTIVE', month(today)]);
    // PLANNED and CANCELLED exchanges never ran; exchanges of either town with other towns do not count.
    expect(health('Malmö', 'Paris')).toEqual(['DORMANT', null]);
  });

  it('reads the activity of every link of a page in one statement', async () => {
    api.sql.reset();
    const links = expectData(await api.exec(TwinLinksHealthDocument, { first: 10 })).twinLinks.edges;
    expect(links).toHaveLength(5);
    expect(api.sql.statements.filter((s) => s.includes('max(least(v.ends_on'))).toHaveLength(1);
  });
});

describe('Town.exchangeStats', () => {
  const tally = (cells: [ExchangeStatus, number][]) => {
    const order: ExchangeStatus[] = ['DRAFT', 'PROPOSED', 'AGREED', 'PLANNED', 'ONGOING', 'EVALUATING', 'COMPLETED', 'CANCELLED'];
    const count = <K>(key: (c: [ExchangeStatus, number]) => K) => {
      const m = new Map<K, number>();
      for (const c of cells) m.set(key(c), (m.get(key(c)) ?? 0) + 1);
      return m;
    };
    const yearStatus = count(([s, y]) => `${y}:${s}`);
    return {
      total: cells.length,
      byStatus: [...count(([s]) => s)].map(([status, n]) => ({ status, count: n })).sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status)),
      byYear: [...count(([, y]) => y)].map(([year, n]) => ({ year, count: n })).sort((a, b) => b.year - a.year),
      byYearAndStatus: [...yearStatus]
        .map(([key, n]) => ({ year: Number(key.split(':')[0]), status: key.split(':')[1] as ExchangeStatus, count: n }))
        .sort((a, b) => b.year - a.year || order.indexOf(a.status) - order.indexOf(b.status)),
    };
  };

  it('counts exchanges with a class in the town by status and year, publicly, without drafts', async () => {
    for (const town of ['Malmö', 'Kraków', 'Paris'] as const) {
      const stats = expectData(await api.exec(TownExchangeStatsDocument, { id: towns[town] })).town!.exchangeStats;
      expect(stats).toEqual(tally(expected[town]!));
    }
    const malmo = expectData(await api.exec(TownExchangeStatsDocument, { id: towns['Malmö'] })).town!.exchangeStats;
    // Five exchanges past DRAFT, the one with two Malmö schools counted once.
    expect(malmo.total).toBe(5);
    expect(malmo.byStatus.map((s) => s.status)).toEqual(['PROPOSED', 'PLANNED', 'EVALUATING', 'COMPLETED', 'CANCELLED']);
    const lund = expectData(await api.exec(TownExchangeStatsDocument, { id: towns.Lund })).town!.exchangeStats;
    expect(lund).toEqual({ total: 0, byStatus: [], byYear: [], byYearAndStatus: [] });
  });

  it('counts for every town of a page in one statement', async () => {
    api.sql.reset();
    const page = expectData(await api.exec(TownsExchangeStatsDocument, { first: 20 })).towns.edges.map((e) => e.node);
    expect(page).toHaveLength(9);
    expect(Object.fromEntries(page.map((t) => [t.name, t.exchangeStats.total]))).toEqual({
      Stockholm: 1, Göteborg: 1, Malmö: 5, Uppsala: 1, Paris: 3, Lyon: 1, Munich: 1, Kraków: 3, Lund: 0,
    });
    expect(api.sql.statements.filter((s) => s.includes('extract(year from'))).toHaveLength(1);
  });
});
