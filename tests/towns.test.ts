import {
  CreateTwinLinkDocument,
  EndTwinLinkDocument,
  NodeDocument,
  NodesDocument,
  TownsDocument,
  TownWithTwinsDocument,
  TwinLinksDocument,
  type TownsQuery,
} from '../schema/generated/graphql';
import { toGlobalId } from '../src/lib/global-id';
import { createTestApi, expectData, expectErrorCode, type TestApi } from './helpers/api';
import { insertTowns, TOWNS, type TownName } from './fixtures/towns';

let api: TestApi;
let ids: Record<TownName, string>;

beforeAll(async () => {
  api = await createTestApi();
  ids = await insertTowns(api.orm);
});
afterAll(() => api.close());

describe('towns', () => {
  it('filters by country, largest first by default', async () => {
    const data = expectData(await api.exec(TownsDocument, { first: 3, filter: { country: 'SE' } }));
    expect(data.towns.totalCount).toBe(4);
    expect(data.towns.edges.map((e) => e.node.name)).toEqual(['Stockholm', 'Göteborg', 'Malmö']);
  });

  it('searches names by prefix, ignoring case and accents', async () => {
    for (const search of ['gote', 'GÖTE', 'Göteborg']) {
      const data = expectData(await api.exec(TownsDocument, { filter: { nameSearch: search } }));
      expect(data.towns.edges.map((e) => e.node.name)).toEqual(['Göteborg']);
    }
    const krakow = expectData(await api.exec(TownsDocument, { filter: { nameSearch: 'krak' } }));
    expect(krakow.towns.edges.map((e) => e.node.name)).toEqual(['Kraków']);
    // A LIKE wildcard in the search is literal text, not a pattern.
    const wildcard = expectData(await api.exec(TownsDocument, { filter: { nameSearch: 'M_lm' } }));
    expect(wildcard.towns.edges).toEqual([]);
  });

  it('filters by population range and distance', async () => {
    const pop = expectData(await api.exec(TownsDocument, { filter: { populationMin: 500000, populationMax: 1000000 } }));
    expect(pop.towns.edges.map((e) => e.node.name).sort()).toEqual(['Göteborg', 'Kraków', 'Lyon']);
    // Uppsala is about 64 km from Stockholm, Göteborg about 400 km.
    const near = expectData(
      await api.exec(TownsDocument, { filter: { near: { latitude: 59.33258, longitude: 18.0649, radiusKm: 100 } } }),
    );
    expect(near.towns.edges.map((e) => e.node.name)).toEqual(['Stockholm', 'Uppsala']);
  });

  it('refuses bad filters with BAD_USER_INPUT', async () => {
    expectErrorCode(await api.exec(TownsDocument, { filter: { country: 'XX' } }), 'BAD_USER_INPUT');
    expectErrorCode(await api.exec(TownsDocument, { filter: { country: 'se' } }), 'BAD_USER_INPUT');
    expectErrorCode(await api.exec(TownsDocument, { filter: { populationMin: 10, populationMax: 1 } }), 'BAD_USER_INPUT');
    expectErrorCode(
      await api.exec(TownsDocument, { filter: { near: { latitude: 95, longitude: 0, radiusKm: 10 } } }),
      'BAD_USER_INPUT',
    );
    expectErrorCode(
      await api.exec(TownsDocument, { filter: { near: { latitude: 50, longitude: 0, radiusKm: 0 } } }),
      'BAD_USER_INPUT',
    );
  });
});

describe('pagination', () => {
  const all = [...TOWNS].sort((a, b) => b.population - a.population).map((t) => t.name);

  it('walks every page forward with cursors, without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: TownsQuery = expectData(await api.exec(TownsDocument, { first: 3, after }));
      seen.push(...page.towns.edges.map((e) => e.node.name));
      expect(page.towns.totalCount).toBe(TOWNS.length);
      if (!page.towns.pageInfo.hasNextPage) break;
      after = page.towns.pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
  });

  it('walks backward with last/before', async () => {
    const lastPage = expectData(await api.exec(TownsDocument, { last: 3 }));
    expect(lastPage.towns.edges.map((e) => e.node.name)).toEqual(all.slice(-3));
    expect(lastPage.towns.pageInfo.hasPreviousPage).toBe(true);
    const before = expectData(await api.exec(TownsDocument, { last: 2, before: lastPage.towns.pageInfo.startCursor }));
    expect(before.towns.edges.map((e) => e.node.name)).toEqual(all.slice(-5, -3));
    expect(before.towns.pageInfo.hasNextPage).toBe(true);
  });

  it('keeps cursors valid for a sort order by name', async () => {
    const first = expectData(await api.exec(TownsDocument, { first: 2, orderBy: { field: 'NAME', direction: 'ASC' } }));
    const next = expectData(
      await api.exec(TownsDocument, { first: 2, after: first.towns.pageInfo.endCursor, orderBy: { field: 'NAME', direction: 'ASC' } }),
    );
    const names = [...TOWNS.map((t) => t.name)].sort((a, b) => (a < b ? -1 : 1));
    expect([...first.towns.edges, ...next.towns.edges].map((e) => e.node.name)).toEqual(names.slice(0, 4));
    // A cursor from one order is refused in another.
    expectErrorCode(await api.exec(TownsDocument, { first: 2, after: first.towns.pageInfo.endCursor }), 'BAD_USER_INPUT');
  });

  it('refuses page sizes over 100, negative sizes, first with last, and garbage cursors', async () => {
    expectErrorCode(await api.exec(TownsDocument, { first: 101 }), 'BAD_USER_INPUT');
    expectErrorCode(await api.exec(TownsDocument, { last: 101 }), 'BAD_USER_INPUT');
    expectErrorCode(await api.exec(TownsDocument, { first: -1 }), 'BAD_USER_INPUT');
    expectErrorCode(await api.exec(TownsDocument, { first: 1, last: 1 }), 'BAD_USER_INPUT');
    expectErrorCode(await api.exec(TownsDocument, { after: 'not-a-cursor' }), 'BAD_USER_INPUT');
    // Well-formed but not ours: values no integer column holds (bound as parameters on PostgreSQL).
    const crafted = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64url');
    const byPopulation = { field: 'POPULATION', direction: 'DESC' } as const;
    for (const payload of [['POPULATION:DESC', 1.5, 3], ['POPULATION:DESC', 1e10, 3], ['POPULATION:DESC', 100, 2 ** 31], ['POPULATION:DESC', 100, 2.5]]) {
      expectErrorCode(await api.exec(TownsDocument, { first: 2, after: crafted(payload), orderBy: byPopulation }), 'BAD_USER_INPUT');
    }
    const fine = expectData(await api.exec(TownsDocument, { first: 2, after: crafted(['POPULATION:DESC', 2 ** 31 - 1, 2 ** 31 - 1]), orderBy: byPopulation }));
    expect(fine.towns.edges).toHaveLength(2);
    const ok = expectData(await api.exec(TownsDocument, { first: 100 }));
    expect(ok.towns.edges).toHaveLength(TOWNS.length);
  });
});

describe('twin links', () => {
  it('creates links, lists twins both ways and ends links', async () => {
    const created = expectData(
      await api.admin.exec(CreateTwinLinkDocument, { input: { townAId: ids.Kraków, townBId: ids['Göteborg'], since: 1990 } }),
    );
    expect(created.createTwinLink.userErrors).toEqual([]);
    expect(created.createTwinLink.twinLink).toMatchObject({ status: 'ACTIVE', kind: 'TWINNING', source: 'MANUAL', since: 1990 });
    expect(
      expectData(await api.admin.exec(CreateTwinLinkDocument, { input: { townAId: ids.Lyon, townBId: ids.Kraków } })).createTwinLink.userErrors,
    ).toEqual([]);

    const krakow = expectData(await api.exec(TownWithTwinsDocument, { id: ids.Kraków }));
    expect(krakow.town!.twins.totalCount).toBe(2);
    expect(krakow.town!.twins.edges.map((e) => e.node.name)).toEqual(['Göteborg', 'Lyon']);
    const goteborg = expectData(await api.exec(TownWithTwinsDocument, { id: ids['Göteborg'] }));
    expect(goteborg.town!.twins.edges.map((e) => e.node.name)).toEqual(['Kraków']);
    expect(goteborg.town!.languages.map((l) => l.language)).toEqual(['sv', 'en']);

    const linkId = created.createTwinLink.twinLink!.id;
    const ended = expectData(await api.admin.exec(EndTwinLinkDocument, { input: { id: linkId, endedOn: '2020-05-01' } }));
    expect(ended.endTwinLink.twinLink).toMatchObject({ status: 'ENDED', endedOn: '2020-05-01' });
    const after = expectData(await api.exec(TownWithTwinsDocument, { id: ids.Kraków }));
    expect(after.town!.twins.edges.map((e) => e.node.name)).toEqual(['Lyon']);
    expect(after.town!.twinLinks.totalCount).toBe(2);

    const filtered = expectData(await api.exec(TwinLinksDocument, { filter: { country: 'SE', statuses: ['ENDED'] } }));
    expect(filtered.twinLinks.totalCount).toBe(1);

    // An ended link can be followed by a new one.
    expect(
      expectData(await api.admin.exec(CreateTwinLinkDocument, { input: { townAId: ids['Göteborg'], townBId: ids.Kraków } })).createTwinLink
        .userErrors,
    ).toEqual([]);
  });

  it('refuses bad links with user errors and changes nothing', async () => {
    const before = expectData(await api.exec(TwinLinksDocument, { first: 100 })).twinLinks;
    const attempts = [
      [{ townAId: ids.Paris, townBId: ids.Paris }, 'SAME_TOWN'],
      [{ townAId: 'nonsense', townBId: ids.Paris }, 'INVALID_ID'],
      [{ townAId: toGlobalId('School', 1), townBId: ids.Paris }, 'INVALID_ID'],
      [{ townAId: toGlobalId('Town', 999999), townBId: ids.Paris }, 'NOT_FOUND'],
      [{ townAId: ids.Paris, townBId: ids.Munich, since: 3000 }, 'INVALID_YEAR'],
      [{ townAId: ids.Lyon, townBId: ids.Kraków }, 'DUPLICATE'],
      [{ townAId: ids.Kraków, townBId: ids.Lyon }, 'DUPLICATE'],
    ] as const;
    for (const [input, code] of attempts) {
      const res = expectData(await api.admin.exec(CreateTwinLinkDocument, { input }));
      expect(res.createTwinLink.twinLink).toBeNull();
      expect(res.createTwinLink.userErrors.map((e) => e.code)).toContain(code);
    }
    const ended = expectData(await api.exec(TwinLinksDocument, { filter: { statuses: ['ENDED'] } })).twinLinks.edges[0]!.node;
    const again = expectData(await api.admin.exec(EndTwinLinkDocument, { input: { id: ended.id } }));
    expect(again.endTwinLink.userErrors.map((e) => e.code)).toEqual(['ALREADY_ENDED']);
    const active = expectData(await api.exec(TwinLinksDocument, { filter: { statuses: ['ACTIVE'] } })).twinLinks.edges[0]!.node;
    const future = expectData(await api.admin.exec(EndTwinLinkDocument, { input: { id: active.id, endedOn: '2999-01-01' } }));
    expect(future.endTwinLink.userErrors.map((e) => e.code)).toEqual(['INVALID_DATE_RANGE']);
    const after = expectData(await api.exec(TwinLinksDocument, { first: 100 })).twinLinks;
    expect(after).toEqual(before);
  });
});

describe('node and nodes', () => {
  it('resolves any global id to its object and refuses bad ids', async () => {
    const town = expectData(await api.exec(NodeDocument, { id: ids.Paris }));
    expect(town.node).toMatchObject({ __typename: 'Town', id: ids.Paris, name: 'Paris' });
    expect(expectData(await api.exec(NodeDocument, { id: toGlobalId('Town', 999999) })).node).toBeNull();
    expectErrorCode(await api.exec(NodeDocument, { id: 'garbage!' }), 'BAD_USER_INPUT');
    const many = expectData(await api.exec(NodesDocument, { ids: [ids.Paris, toGlobalId('School', 424242), ids.Lyon] }));
    expect(many.nodes.map((n) => n?.id ?? null)).toEqual([ids.Paris, null, ids.Lyon]);
    const tooMany = Array.from({ length: 101 }, () => ids.Paris);
    expectErrorCode(await api.exec(NodesDocument, { ids: tooMany }), 'BAD_USER_INPUT');
    expect(expectData(await api.exec(NodesDocument, { ids: tooMany.slice(0, 100) })).nodes).toHaveLength(100);
  });
});
