import {
  CreateTwinLinkDocument,
  LanguageDemandDocument,
  PartnerSuggestionsDocument,
  ProposePairingDocument,
  RespondToPairingDocument,
  type PartnerSuggestionsQuery,
} from '../schema/generated/graphql';
import { fromGlobalId, toGlobalId } from '../src/lib/global-id';
import { DEFAULT_PARTNER_WEIGHTS } from '../src/modules/matching/partner-score';
import { createClass, createSchool } from './fixtures/schools';
import { insertTowns, type TownName } from './fixtures/towns';
import { createTestApi, createUserWithToken, expectData, expectErrorCode, type TestApi } from './helpers/api';

let api: TestApi;
let towns: Record<TownName, string>;
const ids: Record<string, string> = {};

type Edge = NonNullable<PartnerSuggestionsQuery['partnerSuggestions']>['edges'][number];
const reason = (edge: Edge, criterion: string) => edge.node.reasons.find((r) => r.criterion === criterion)!;

const base = { ageMin: 12, ageMax: 14, pupilCount: 24, themes: ['ENVIRONMENT' as const], subjects: ['history'] };

beforeAll(async () => {
  api = await createTestApi();
  towns = await insertTowns(api.orm);
  expectData(await api.admin.exec(CreateTwinLinkDocument, { input: { townAId: towns.Uppsala, townBId: towns.Kraków } }));
  const school = async (town: TownName, lang: string) => (await createSchool(api, towns[town], { instructionLanguages: [lang] })).id;
  const uppsala = await school('Uppsala', 'sv');
  ids.me = (
    await createClass(api, uppsala, {
      ...base,
      label: 'ME',
      languages: [
        { language: 'sv', role: 'INSTRUCTION' },
        { language: 'fr', role: 'LEARNING', level: 'A2' },
        { language: 'de', role: 'LEARNING', level: 'A2' },
      ],
      availability: [{ startsOn: '2027-03-01', endsOn: '2027-03-20' }],
    })
  ).id;
  // Same school: never suggested.
  ids.sibling = (await createClass(api, uppsala, { ...base, label: 'SIB', languages: [{ language: 'fr', role: 'INSTRUCTION' }, { language: 'sv', role: 'LEARNING', level: 'A2' }] })).id;
  ids.tandem = (
    await createClass(api, await school('Lyon', 'fr'), {
      ...base,
      label: 'TANDEM',
      pupilCount: 12,
      languages: [
        { language: 'fr', role: 'INSTRUCTION' },
        { language: 'sv', role: 'LEARNING', level: 'A2' },
      ],
      availability: [{ startsOn: '2027-03-10', endsOn: '2027-03-30' }],
    })
  ).id;
  ids.oneWay = (
    await createClass(api, await school('Paris', 'fr'), {
      ...base,
      label: 'ONEWAY',
      languages: [
        { language: 'fr', role: 'INSTRUCTION' },
        { language: 'en', role: 'LEARNING', level: 'B1' },
      ],
    })
  ).id;
  const germanSpeaking = { ...base, languages: [{ language: 'de', role: 'INSTRUCTION' as const }, { language: 'sv', role: 'LEARNING' as const, level: 'B1' as const }] };
  ids.twin = (await createClass(api, await school('Kraków', 'pl'), { ...germanSpeaking, label: 'TWIN' })).id;
  ids.stranger = (await createClass(api, await school('Munich', 'de'), { ...germanSpeaking, label: 'STRANGER' })).id;
  ids.closed = (await createClass(api, await school('Göteborg', 'sv'), { ...base, label: 'CLOSED', lookingForPartners: false, languages: [{ language: 'fr', role: 'INSTRUCTION' }, { language: 'sv', role: 'LEARNING', level: 'A2' }] })).id;
});
afterAll(() => api.close());

async function suggest(vars: Omit<Parameters<typeof api.exec<PartnerSuggestionsQuery, never>>[1], never> & Record<string, unknown> = {}) {
  const data = expectData(await api.admin.exec(PartnerSuggestionsDocument, { classId: ids.me!, first: 20, ...vars }));
  return data.partnerSuggestions!.edges;
}
const labels = (edges: Edge[]) => edges.map((e) => e.node.schoolClass.label);

describe('partner suggestions', () => {
  it('excludes the own school and classes not looking for partners', async () => {
    const edges = await suggest();
    expect(labels(edges).sort()).toEqual(['ONEWAY', 'STRANGER', 'TANDEM', 'TWIN']);
  });

  it('ranks a reciprocal tandem above a one-way match, with each reason scored by its formula', async () => {
    const edges = await suggest();
    const tandem = edges.find((e) => e.node.schoolClass.label === 'TANDEM')!;
    const oneWay = edges.find((e) => e.node.schoolClass.label === 'ONEWAY')!;
    expect(labels(edges).indexOf('TANDEM')).toBeLessThan(labels(edges).indexOf('ONEWAY'));
    expect(reason(tandem, 'LANGUAGE').score).toBe(1); // both directions, both at A2
    expect(reason(oneWay, 'LANGUAGE').score).toBe(0.5); // only "they teach in fr, which you learn"
    expect(reason(tandem, 'AGE').score).toBe(1);
    expect(reason(tandem, 'SIZE').score).toBe(0.5); // 12 / 24
    expect(reason(tandem, 'THEMES').score).toBe(1);
    expect(reason(tandem, 'AVAILABILITY').score).toBeCloseTo(11 / 20, 9); // 10–20 March of 1–20 March
    expect(reason(oneWay, 'AVAILABILITY').score).toBe(0);
    expect(reason(tandem, 'TWIN_TOWN').score).toBe(0);
    expect(reason(tandem, 'RELIABILITY').score).toBe(0.5);
    expect(reason(tandem, 'FRESHNESS').score).toBeGreaterThan(0.99);
    const town = reason(tandem, 'TOWN').score;
    expect(town).toBeGreaterThan(0);
    expect(town).toBeLessThanOrEqual(1);
    for (const edge of edges) {
      for (const r of edge.node.reasons) expect(r.weight).toBeCloseTo(DEFAULT_PARTNER_WEIGHTS[r.criterion as keyof typeof DEFAULT_PARTNER_WEIGHTS], 9);
      // Ranked without text, explained for the page: every reason of a returned suggestion says why.
      for (const r of edge.node.reasons) expect(r.detail).not.toBe('');
      const total = edge.node.reasons.reduce((s, r) => s + r.weight * r.score, 0);
      expect(edge.node.score).toBeCloseTo(total, 6);
    }
    // Best first, ties by class id.
    const scores = edges.map((e) => e.node.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('puts a class in a twin town above an otherwise equal stranger', async () => {
    // TWIN (Kraków, twinned with Uppsala) and STRANGER (Munich) differ only in their town;
    // town similarity is switched off so that nothing but the twinning separates them.
    const edges = await suggest({ weights: { TOWN: 0 } });
    const twin = edges.find((e) => e.node.schoolClass.label === 'TWIN')!;
    const stranger = edges.find((e) => e.node.schoolClass.label === 'STRANGER')!;
    expect(reason(twin, 'TWIN_TOWN').score).toBe(1);
    expect(reason(stranger, 'TWIN_TOWN').score).toBe(0);
    expect(twin.node.score).toBeGreaterThan(stranger.node.score);
    expect(labels(edges).indexOf('TWIN')).toBeLessThan(labels(edges).indexOf('STRANGER'));
    expect(labels(await suggest({ filter: { twinTownsOnly: true } }))).toEqual(['TWIN']);
  });

  it('changes the order when the weights change, as documented', async () => {
    // By default language fit puts the tandem above the one-way match; on class size alone
    // (12 pupils against 24) the tandem comes last.
    const byDefault = labels(await suggest());
    expect(byDefault.indexOf('TANDEM')).toBeLessThan(byDefault.indexOf('ONEWAY'));
    const bySize = await suggest({ weights: { LANGUAGE: 0, AGE: 0, TOWN: 0, THEMES: 0, AVAILABILITY: 0, TWIN_TOWN: 0, RELIABILITY: 0, FRESHNESS: 0, SIZE: 1 } });
    expect(labels(bySize).at(-1)).toBe('TANDEM');
    expect(reason(bySize[0]!, 'SIZE').weight).toBe(1);
    // Ties (all at size ratio 1) are broken by class id.
    const tied = bySize.slice(0, 3).map((e) => fromGlobalId(e.node.schoolClass.id)!.id);
    expect([...tied].sort((a, b) => a - b)).toEqual(tied);
    expectErrorCode(
      await api.admin.exec(PartnerSuggestionsDocument, {
        classId: ids.me!,
        weights: { LANGUAGE: 0, AGE: 0, SIZE: 0, TOWN: 0, THEMES: 0, AVAILABILITY: 0, TWIN_TOWN: 0, RELIABILITY: 0, FRESHNESS: 0 },
      }),
      'BAD_USER_INPUT',
    );
    expectErrorCode(await api.admin.exec(PartnerSuggestionsDocument, { classId: ids.me!, weights: { AGE: -1 } }), 'BAD_USER_INPUT');
  });

  it('counts how the candidate\'s exchanges ended in its reliability', async () => {
    const conn = api.orm.em.getConnection();
    const local = (id: string) => fromGlobalId(id)!.id;
    const [twin, stranger] = [local(ids.twin!), local(ids.stranger!)];
    const schoolOf = async (classId: number) => (await conn.execute('select school_id from school_class where id = ?', [classId]))[0].school_id;
    // TWIN and STRANGER complete two exchanges together, then have one cancelled.
    const exchange = async (status: string) => {
      const [row] = await conn.execute(
        `insert into exchange (title, status, cancel_reason) values ('History', ?, ?) returning id`,
        [status, status === 'CANCELLED' ? 'Called off' : null],
      );
      await conn.execute(
        `insert into exchange_class (exchange_id, class_id, school_id, role) values (?, ?, ?, 'INITIATOR'), (?, ?, ?, 'PARTNER')`,
        [row.id, twin, await schoolOf(twin), row.id, stranger, await schoolOf(stranger)],
      );
    };
    await exchange('COMPLETED');
    await exchange('COMPLETED');
    try {
      let edges = await suggest();
      const twinEdge = edges.find((e) => e.node.schoolClass.label === 'TWIN')!;
      // ((0 + 1)/2 + (0 + 1)/2 + (2 + 1)/(2 + 2)) / 3
      expect(reason(twinEdge, 'RELIABILITY').score).toBeCloseTo((0.5 + 0.5 + 0.75) / 3, 9);
      expect(reason(twinEdge, 'RELIABILITY').detail).toContain('completed 2 of 2 finished exchanges');
      await exchange('CANCELLED');
      edges = await suggest();
      // Both classes are in all three: 2 completed of 3 closed.
      for (const label of ['TWIN', 'STRANGER']) {
        const edge = edges.find((e) => e.node.schoolClass.label === label)!;
        expect(reason(edge, 'RELIABILITY').score).toBeCloseTo((0.5 + 0.5 + 3 / 5) / 3, 9);
      }
    } finally {
      await conn.execute(`delete from exchange where title = 'History'`);
    }
  });

  it('filters by country, distance and language, and pages with cursors', async () => {
    expect(labels(await suggest({ filter: { countries: ['FR'] } })).sort()).toEqual(['ONEWAY', 'TANDEM']);
    expect(labels(await suggest({ filter: { excludeCountries: ['FR', 'PL'] } }))).toEqual(['STRANGER']);
    // Munich is about 1,300 km from Uppsala, Kraków about 1,100 km, Lyon and Paris 1,600–1,900 km.
    expect(labels(await suggest({ filter: { maxDistanceKm: 1400 } })).sort()).toEqual(['STRANGER', 'TWIN']);
    expect(labels(await suggest({ filter: { languages: ['de'] } })).sort()).toEqual(['STRANGER', 'TWIN']);
    const first = expectData(await api.admin.exec(PartnerSuggestionsDocument, { classId: ids.me!, first: 2 })).partnerSuggestions!;
    const rest = expectData(await api.admin.exec(PartnerSuggestionsDocument, { classId: ids.me!, first: 10, after: first.pageInfo.endCursor })).partnerSuggestions!;
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect([...labels(first.edges), ...labels(rest.edges)]).toEqual(labels(await suggest()));
    expectErrorCode(await api.admin.exec(PartnerSuggestionsDocument, { classId: ids.me!, filter: { countries: ['XX'] } }), 'BAD_USER_INPUT');
    expect(expectData(await api.admin.exec(PartnerSuggestionsDocument, { classId: toGlobalId('SchoolClass', 999999) })).partnerSuggestions).toBeNull();
  });

  it('runs the same few SQL statements whatever the page size', async () => {
    await suggest();
    const counts: number[] = [];
    for (const first of [1, 3, 20]) {
      api.sql.reset();
      expectData(await api.admin.exec(PartnerSuggestionsDocument, { classId: ids.me!, first }));
      counts.push(api.sql.count);
    }
    expect(new Set(counts).size).toBe(1);
    // The caller's token, the class, the candidates with all they are scored on, the page's classes.
    expect(counts[0]).toBeLessThanOrEqual(4);
  });

  it('drops classes in an open pairing with it, and those that declined it', async () => {
    const { token, userId } = await createUserWithToken(api.orm, 'Teacher of ME');
    await api.orm.em.getConnection().execute('insert into class_teacher (user_id, class_id) values (?, ?)', [userId, fromGlobalId(ids.me!)!.id]);
    const proposal = expectData(
      await api.as(token).exec(ProposePairingDocument, {
        input: { classId: ids.me!, partnerClassId: ids.tandem!, languageA: 'sv', languageB: 'fr', mode: 'VIDEO' },
      }),
    );
    expect(proposal.proposePairing.userErrors).toEqual([]);
    expect(labels(await suggest())).not.toContain('TANDEM');
    expectData(await api.admin.exec(RespondToPairingDocument, { input: { id: proposal.proposePairing.pairing!.id, accept: false } }));
    expect(labels(await suggest())).not.toContain('TANDEM');
  });

  it('reports language supply and demand', async () => {
    const all = expectData(await api.exec(LanguageDemandDocument, {})).languageDemand;
    const sv = all.find((l) => l.language === 'sv')!;
    // Learning sv (looking for partners): SIB, TANDEM, TWIN, STRANGER; taught in sv: ME.
    expect(sv).toMatchObject({ name: 'Swedish', learningClasses: 4, offeringClasses: 1, unmatchedDemand: 3 });
    const inSweden = expectData(await api.exec(LanguageDemandDocument, { country: 'SE' })).languageDemand;
    expect(inSweden.find((l) => l.language === 'fr')).toMatchObject({ learningClasses: 1, offeringClasses: 2 });
    expectErrorCode(await api.exec(LanguageDemandDocument, { country: 'Sweden' }), 'BAD_USER_INPUT');
  });
});
