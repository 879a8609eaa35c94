import {
  AddBudgetLineDocument,
  AddFundingSourceDocument,
  BudgetLineNodeDocument,
  ExchangeBudgetDocument,
  ExchangeErasmusEstimateDocument,
  ExchangesBudgetsDocument,
  ExchangeMoneyDetailDocument,
  RemoveBudgetLineDocument,
  RemoveFundingSourceDocument,
  UpdateBudgetLineDocument,
  UpdateFundingSourceDocument,
  type AddBudgetLineInput,
  type AddFundingSourceInput,
} from '../schema/generated/graphql';
import { Scope } from '../src/modules/auth/viewer';
import { createClass, createSchool } from './fixtures/schools';
import { insertTowns } from './fixtures/towns';
import { addVisit, createExchange, daysFromToday, makeAppToken, makeCoordinator, makeTeacher, transition, type PlannedExchange } from './fixtures/planned-exchanges';
import { createTestApi, expectData, expectErrorCode, type TestApi } from './helpers/api';

let api: TestApi;
let coordMalmo: string;
let coordKrakow: string;
let coordParis: string;
let teacherMalmo: string;
let app: string;
/** Malmö (initiator) and Kraków: a green train one way, a plane back; 42 travellers in all. */
let main: PlannedExchange;
const school: Record<string, { id: string }> = {};
const cls: Record<string, { id: string }> = {};

async function countRows(table: string, exchangeId: string): Promise<number> {
  const id = Buffer.from(exchangeId, 'base64url').toString('utf8').split(':')[1];
  const [row] = await api.orm.em.getConnection().execute<{ n: number }[]>(`select count(*)::int as n from ${table} where exchange_id = ?`, [Number(id)]);
  return row!.n;
}

async function addLine(token: string, input: Omit<AddBudgetLineInput, 'exchangeId'>, exchange = main) {
  const res = expectData(await api.as(token).exec(AddBudgetLineDocument, { input: { ...input, exchangeId: exchange.id } }));
  expect(res.addBudgetLine.userErrors).toEqual([]);
  exchange.version = res.addBudgetLine.exchange!.version;
  return res.addBudgetLine;
}

async function addFunding(token: string, input: Omit<AddFundingSourceInput, 'exchangeId'>, exchange = main) {
  const res = expectData(await api.as(token).exec(AddFundingSourceDocument, { input: { ...input, exchangeId: exchange.id } }));
  expect(res.addFundingSource.userErrors).toEqual([]);
  exchange.version = res.addFundingSource.exchange!.version;
  return res.addFundingSource.fundingSource!;
}

beforeAll(async () => {
  api = await createTestApi();
  const towns = await insertTowns(api.orm);
  for (const [key, town] of [['malmo', towns['Malmö']], ['krakow', towns['Kraków']], ['uppsala', towns.Uppsala], ['stockholm', towns.Stockholm], ['stockholm2', towns.Stockholm], ['paris', towns.Paris]] as const) {
    school[key] = await createSchool(api, town);
    cls[key] = await createClass(api, school[key]!.id);
  }
  coordMalmo = (await makeCoordinator(api, 'Maja Malmö', school.malmo!.id)).token;
  coordKrakow = (await makeCoordinator(api, 'Kasia Kraków', school.krakow!.id)).token;
  coordParis = (await makeCoordinator(api, 'Pierre Paris', school.paris!.id)).token;
  teacherMalmo = (await makeTeacher(api, 'Tove Teacher', cls.malmo!.id)).token;
  app = await makeAppToken(api, 'Budget reader app', [Scope.PUBLIC_READ, Scope.EXCHANGES_READ]);

  main = await createExchange(api.as(coordMalmo), 'Baltic voices', cls.malmo!.id, [cls.krakow!.id]);
  await addVisit(api.as(coordMalmo), main, {
    hostSchoolId: school.krakow!.id, guestClassIds: [cls.malmo!.id], startsOn: daysFromToday(60), endsOn: daysFromToday(66),
    participantCount: 20, accompanyingTeacherCount: 2, transportMode: 'TRAIN', greenTravel: true,
  });
  await addVisit(api.as(coordMalmo), main, {
    hostSchoolId: school.malmo!.id, guestClassIds: [cls.krakow!.id], startsOn: daysFromToday(120), endsOn: daysFromToday(126),
    participantCount: 18, accompanyingTeacherCount: 2, transportMode: 'PLANE', greenTravel: false,
  });
  // Proposed, so an app with exchanges:read may see it (but not its money).
  await transition(api.as(coordMalmo), main, 'PROPOSED');
});
afterAll(() => api.close());

describe('totals', () => {
  it('sums costs and funding per currency, exact to the minor unit, never mixing currencies', async () => {
    // EUR: 12 345.67 in total + 45.99 per participant (× 42 travellers).
    await addLine(coordMalmo, { category: 'TRAVEL', description: 'Trains and flights', amountMinor: 1_234_567, currency: 'EUR', basis: 'TOTAL' });
    await addLine(coordKrakow, { category: 'ACCOMMODATION', description: 'Hostel nights', amountMinor: 4_599, currency: 'EUR', basis: 'PER_PARTICIPANT' });
    // SEK: 15 000.50 in total + 123.45 per participant.
    await addLine(coordMalmo, { category: 'ACTIVITIES', description: 'Museum and ferry', amountMinor: 1_500_050, currency: 'SEK' });
    await addLine(coordMalmo, { category: 'OTHER', description: 'Lunch packs', amountMinor: 12_345, currency: 'SEK', basis: 'PER_PARTICIPANT' });
    // PLN: 999.81 = 42 × 23.805: the cost per participant is exactly half a grosz over 23.80.
    await addLine(coordKrakow, { category: 'ORGANISATIONAL', description: 'Printing', amountMinor: 99_981, currency: 'PLN' });

    await addFunding(coordMalmo, { kind: 'ERASMUS_PLUS', amountMinor: 1_000_000, currency: 'EUR', status: 'GRANTED' });
    await addFunding(coordMalmo, { kind: 'MUNICIPALITY', amountMinor: 250_001, currency: 'EUR', status: 'RECEIVED' });
    await addFunding(coordMalmo, { kind: 'FUNDRAISING', amountMinor: 3_333, currency: 'EUR', status: 'PLANNED' });
    await addFunding(coordMalmo, { kind: 'PARENTS', amountMinor: 4_444, currency: 'EUR', status: 'APPLIED' });
    await addFunding(coordMalmo, { kind: 'OTHER', description: 'Foundation said no', amountMinor: 999_999, currency: 'EUR', status: 'REJECTED' });
    await addFunding(coordMalmo, { kind: 'MUNICIPALITY', amountMinor: 2_500_000, currency: 'SEK', status: 'RECEIVED' });
    await addFunding(coordKrakow, { kind: 'CERV_TOWN_TWINNING', amountMinor: 50_000, currency: 'PLN', status: 'REJECTED' });
    await addFunding(coordKrakow, { kind: 'FUNDRAISING', amountMinor: 7_000, currency: 'DKK', status: 'PLANNED' });

    const data = expectData(await api.as(coordKrakow).exec(ExchangeBudgetDocument, { id: main.id }));
    const budget = data.exchange!.budget!;
    expect(budget.participantCount).toBe(42);
    expect(budget.totals).toEqual([
      { currency: 'DKK', cost: 0, fundingSecured: 0, fundingReceived: 0, fundingPending: 7_000, gap: 0, costPerParticipant: 0 },
      {
        currency: 'EUR',
        cost: 1_234_567 + 42 * 4_599, // 1 427 725
        fundingSecured: 1_000_000 + 250_001,
        fundingReceived: 250_001,
        fundingPending: 3_333 + 4_444,
        gap: 1_427_725 - 1_250_001,
        costPerParticipant: 33_993, // 1 427 725 / 42 = 33 993.45…
      },
      // The PLN source was rejected: it counts nowhere.
      { currency: 'PLN', cost: 99_981, fundingSecured: 0, fundingReceived: 0, fundingPending: 0, gap: 99_981, costPerParticipant: 2_381 },
      // More received than spent: a negative gap is a surplus.
      {
        currency: 'SEK',
        cost: 1_500_050 + 42 * 12_345, // 2 018 540
        fundingSecured: 2_500_000,
        fundingReceived: 2_500_000,
        fundingPending: 0,
        gap: 2_018_540 - 2_500_000,
        costPerParticipant: 48_060, // 48 060.47…
      },
    ]);
    expect(data.exchange!.budgetLines!.totalCount).toBe(5);
    expect(data.exchange!.fundingSources!.totalCount).toBe(8);
    expect(data.exchange!.fundingSources!.edges.map((e) => e.node.status)).toEqual(['GRANTED', 'RECEIVED', 'PLANNED', 'APPLIED', 'REJECTED', 'RECEIVED', 'REJECTED', 'PLANNED']);
    const kinds = data.exchange!.timeline.edges.map((e) => e.node.kind);
    expect(kinds.filter((k) => k === 'BUDGET_CHANGED')).toHaveLength(5);
    expect(kinds.filter((k) => k === 'FUNDING_CHANGED')).toHaveLength(8);
    expect(data.exchange!.timeline.edges.map((e) => e.node.summary)).toContain('Budget line added (ACCOMMODATION).');
  });

  it('follows changes to lines and sources, and forgets removed ones', async () => {
    const before = expectData(await api.as(coordMalmo).exec(ExchangeBudgetDocument, { id: main.id })).exchange!;
    const line = before.budgetLines!.edges.find((e) => e.node.description === 'Printing')!.node;
    const source = before.fundingSources!.edges.find((e) => e.node.currency === 'PLN')!.node;

    const moved = expectData(await api.as(coordKrakow).exec(UpdateBudgetLineDocument, { input: { id: line.id, basis: 'PER_PARTICIPANT', amountMinor: 1_000 } }));
    expect(moved.updateBudgetLine.userErrors).toEqual([]);
    expect(moved.updateBudgetLine.budgetLine).toMatchObject({ basis: 'PER_PARTICIPANT', amountMinor: 1_000, description: 'Printing', currency: 'PLN' });
    expect(moved.updateBudgetLine.exchange!.version).toBe(before.version + 1);
    const granted = expectData(await api.as(coordKrakow).exec(UpdateFundingSourceDocument, { input: { id: source.id, status: 'GRANTED', amountMinor: 30_000 } }));
    expect(granted.updateFundingSource.userErrors).toEqual([]);

    let pln = expectData(await api.as(coordMalmo).exec(ExchangeBudgetDocument, { id: main.id })).exchange!.budget!.totals.find((t) => t.currency === 'PLN');
    expect(pln).toEqual({ currency: 'PLN', cost: 42_000, fundingSecured: 30_000, fundingReceived: 0, fundingPending: 0, gap: 12_000, costPerParticipant: 1_000 });

    const removedLine = expectData(await api.as(coordMalmo).exec(RemoveBudgetLineDocument, { input: { id: line.id } }));
    expect(removedLine.removeBudgetLine).toMatchObject({ budgetLine: null, userErrors: [] });
    const removedSource = expectData(await api.as(coordMalmo).exec(RemoveFundingSourceDocument, { input: { id: source.id } }));
    expect(removedSource.removeFundingSource).toMatchObject({ fundingSource: null, userErrors: [] });
    const after = expectData(await api.as(coordMalmo).exec(ExchangeBudgetDocument, { id: main.id })).exchange!;
    pln = after.budget!.totals.find((t) => t.currency === 'PLN');
    expect(pln).toBeUndefined();
    expect(after.version).toBe(before.version + 4);
    expect(after.timeline.edges.slice(0, 4).map((e) => e.node.summary)).toEqual([
      'Funding source removed (CERV_TOWN_TWINNING).',
      'Budget line removed (ORGANISATIONAL).',
      'Funding source changed (status, amountMinor).',
      'Budget line changed (basis, amountMinor).',
    ]);
    // Put the PLN line back for the tests below.
    await addLine(coordKrakow, { category: 'ORGANISATIONAL', description: 'Printing', amountMinor: 99_981, currency: 'PLN' });
  });

  it('keeps sums past 2^31 exact, and computes the totals of many exchanges in one statement', async () => {
    const big = await createExchange(api.admin, 'Big festival', cls.uppsala!.id, [cls.paris!.id]);
    await addVisit(api.admin, big, {
      hostSchoolId: school.paris!.id, guestClassIds: [cls.uppsala!.id], startsOn: daysFromToday(200), endsOn: daysFromToday(201),
      participantCount: 500, accompanyingTeacherCount: 100, transportMode: 'BUS',
    });
    await addLine(api.admin.token, { category: 'ACCOMMODATION', description: 'Rooms', amountMinor: 2_000_000_000, currency: 'HUF', basis: 'PER_PARTICIPANT' }, big);
    await addLine(api.admin.token, { category: 'TRAVEL', description: 'Coaches', amountMinor: 2_000_000_000, currency: 'HUF' }, big);
    await addLine(api.admin.token, { category: 'TRAVEL', description: 'More coaches', amountMinor: 1_999_999_999, currency: 'HUF' }, big);
    await addFunding(api.admin.token, { kind: 'ERASMUS_PLUS', amountMinor: 2_000_000_000, currency: 'HUF', status: 'RECEIVED' }, big);
    await addFunding(api.admin.token, { kind: 'MUNICIPALITY', amountMinor: 2_000_000_000, currency: 'HUF', status: 'GRANTED' }, big);

    api.sql.reset();
    const data = expectData(await api.admin.exec(ExchangesBudgetsDocument, { first: 10 }));
    const budgetStatements = api.sql.statements.filter((s) => s.includes('travellers as'));
    expect(budgetStatements).toHaveLength(1);
    const byId = new Map(data.exchanges.edges.map((e) => [e.node.id, e.node.budget!]));
    expect(byId.size).toBe(2);
    const cost = 2_000_000_000 * 600 + 2_000_000_000 + 1_999_999_999; // 1 203 999 999 999
    expect(byId.get(big.id)).toMatchObject({
      participantCount: 600,
      totals: [{ currency: 'HUF', cost, fundingSecured: 4_000_000_000, fundingReceived: 2_000_000_000, fundingPending: 0, gap: cost - 4_000_000_000, costPerParticipant: 2_006_666_667 }],
    });
    expect(byId.get(main.id)!.participantCount).toBe(42);
    expect(byId.get(main.id)!.totals.map((t) => t.currency)).toEqual(['DKK', 'EUR', 'PLN', 'SEK']);
  });
  it('reads the money of an exchange in as many statements however many visits, lines and sources it has', async () => {
    // Two exchanges of the same shape (guests never from a host school), one small, one larger.
    const small = await createExchange(api.admin, 'Small', cls.stockholm!.id, [cls.krakow!.id]);
    await addVisit(api.admin, small, {
      hostSchoolId: school.krakow!.id, guestClassIds: [cls.stockholm!.id], startsOn: daysFromToday(300), endsOn: daysFromToday(302),
      participantCount: 5, accompanyingTeacherCount: 1, transportMode: 'BUS',
    });
    await addLine(api.admin.token, { category: 'TRAVEL', description: 'Coach', amountMinor: 50_000, currency: 'EUR' }, small);
    const large = await createExchange(api.admin, 'Large', cls.stockholm!.id, [cls.uppsala!.id, cls.krakow!.id, cls.paris!.id]);
    for (const [host, guest, start] of [['krakow', 'stockholm', 310], ['paris', 'uppsala', 320], ['paris', 'stockholm', 330]] as const) {
      await addVisit(api.admin, large, {
        hostSchoolId: school[host]!.id, guestClassIds: [cls[guest]!.id], startsOn: daysFromToday(start), endsOn: daysFromToday(start + 2),
        participantCount: 5, accompanyingTeacherCount: 1, transportMode: 'TRAIN',
      });
    }
    for (const currency of ['EUR', 'SEK', 'PLN', 'EUR']) {
      await addLine(api.admin.token, { category: 'ACTIVITIES', description: 'Tickets', amountMinor: 10_000, currency, basis: 'PER_PARTICIPANT' }, large);
      await addFunding(api.admin.token, { kind: 'MUNICIPALITY', amountMinor: 5_000, currency, status: 'GRANTED' }, large);
    }
    const statementsFor = async (id: string) => {
      api.sql.reset();
      const data = expectData(await api.admin.exec(ExchangeMoneyDetailDocument, { id })).exchange!;
      return { count: api.sql.count, visits: data.visits.edges.length, lines: data.budgetLines!.edges.length, sources: data.fundingSources!.edges.length };
    };
    const one = await statementsFor(small.id);
    const many = await statementsFor(large.id);
    expect([one.visits, one.lines, one.sources]).toEqual([1, 1, 0]);
    expect([many.visits, many.lines, many.sources]).toEqual([3, 4, 4]);
    expect(many.count).toBe(one.count);
  });
});

describe('refused amounts and currencies', () => {
  it('refuses negative, too large and fractional amounts and unknown currencies, writing nothing', async () => {
    const lines = await countRows('budget_line', main.id);
    const sources = await countRows('funding_source', main.id);
    const events = await countRows('exchange_event', main.id);
    const line = { exchangeId: main.id, category: 'TRAVEL' as const, description: 'Taxi', currency: 'EUR' };

    for (const [amountMinor, currency, code] of [
      [-1, 'EUR', 'INVALID_AMOUNT'],
      [2_000_000_001, 'EUR', 'INVALID_AMOUNT'],
      [100, 'EURO', 'INVALID_CURRENCY'],
      [100, 'eur', 'INVALID_CURRENCY'],
      [100, 'XYZ', 'INVALID_CURRENCY'],
    ] as const) {
      const res = expectData(await api.as(coordMalmo).exec(AddBudgetLineDocument, { input: { ...line, amountMinor, currency } }));
      expect(res.addBudgetLine).toMatchObject({ budgetLine: null, exchange: null });
      expect(res.addBudgetLine.userErrors.map((e) => [e.code, e.field])).toEqual([[code, ['input', code === 'INVALID_AMOUNT' ? 'amountMinor' : 'currency']]]);
      const funding = expectData(
        await api.as(coordMalmo).exec(AddFundingSourceDocument, { input: { exchangeId: main.id, kind: 'PARENTS', status: 'PLANNED', amountMinor, currency } }),
      );
      expect(funding.addFundingSource.userErrors.map((e) => e.code)).toEqual([code]);
    }
    // A fractional amount is not an Int: GraphQL refuses the request before any resolver runs.
    expectErrorCode(await api.as(coordMalmo).exec(AddBudgetLineDocument, { input: { ...line, amountMinor: 12.5 } }), 'BAD_USER_INPUT');
    expectErrorCode(
      await api.as(coordMalmo).exec(AddFundingSourceDocument, { input: { exchangeId: main.id, kind: 'PARENTS', status: 'PLANNED', amountMinor: 0.01, currency: 'EUR' } }),
      'BAD_USER_INPUT',
    );
    // Changes to an existing line are checked the same way.
    const existing = expectData(await api.as(coordMalmo).exec(ExchangeBudgetDocument, { id: main.id })).exchange!;
    const first = existing.budgetLines!.edges[0]!.node;
    const negative = expectData(await api.as(coordMalmo).exec(UpdateBudgetLineDocument, { input: { id: first.id, amountMinor: -100, currency: 'EUR' } }));
    expect(negative.updateBudgetLine.userErrors.map((e) => e.code)).toEqual(['INVALID_AMOUNT']);
    expectErrorCode(await api.as(coordMalmo).exec(UpdateBudgetLineDocument, { input: { id: first.id, amountMinor: 1.5 } }), 'BAD_USER_INPUT');

    expect(await countRows('budget_line', main.id)).toBe(lines);
    expect(await countRows('funding_source', main.id)).toBe(sources);
    expect(await countRows('exchange_event', main.id)).toBe(events);
    const after = expectData(await api.as(coordMalmo).exec(ExchangeBudgetDocument, { id: main.id })).exchange!;
    expect(after.version).toBe(main.version);
    expect(after.budgetLines!.edges[0]!.node).toEqual(first);
    expect(after.budget!.totals).toEqual(existing.budget!.totals);
  });
});

describe('who sees and changes the money', () => {
  it('gives null with FORBIDDEN to people who see the exchange but do not manage it', async () => {
    for (const token of [teacherMalmo, app]) {
      const res = await api.as(token).exec(ExchangeBudgetDocument, { id: main.id });
      expect(res.data!.exchange).toMatchObject({ id: main.id, budget: null, budgetLines: null, fundingSources: null });
      expect(res.errors!.map((e) => [e.extensions!.code, e.path!.join('.')]).sort()).toEqual([
        ['FORBIDDEN', 'exchange.budget'],
        ['FORBIDDEN', 'exchange.budgetLines'],
        ['FORBIDDEN', 'exchange.fundingSources'],
      ]);
      // They read the timeline, which says that the money changed but not how much, in what or for what.
      const money = res.data!.exchange!.timeline.edges.map((e) => e.node).filter((n) => n.kind === 'BUDGET_CHANGED' || n.kind === 'FUNDING_CHANGED');
      expect(money.length).toBeGreaterThanOrEqual(13);
      for (const { summary } of money) expect(summary).toMatch(/^(Budget line|Funding source) (added|changed|removed) \([A-Za-z_, ]+\)\.$/);
      const visits = await api.as(token).exec(ExchangeErasmusEstimateDocument, { id: main.id });
      expect(visits.data!.exchange!.visits.edges.map((e) => e.node.estimatedErasmusTravelSupport)).toEqual([null, null]);
      expect(new Set(visits.errors!.map((e) => e.extensions!.code))).toEqual(new Set(['FORBIDDEN']));
    }
  });

  it('shows nothing at all to anonymous callers and to other schools\' coordinators', async () => {
    const lineId = expectData(await api.as(coordMalmo).exec(ExchangeBudgetDocument, { id: main.id })).exchange!.budgetLines!.edges[0]!.node.id;
    for (const executor of [api, api.as(coordParis)]) {
      const res = expectData(await executor.exec(ExchangeBudgetDocument, { id: main.id }));
      expect(res.exchange).toBeNull();
      expect(expectData(await executor.exec(BudgetLineNodeDocument, { id: lineId })).node).toBeNull();
    }
    for (const token of [teacherMalmo, app]) expect(expectData(await api.as(token).exec(BudgetLineNodeDocument, { id: lineId })).node).toBeNull();
    expect(expectData(await api.as(coordKrakow).exec(BudgetLineNodeDocument, { id: lineId })).node).toMatchObject({ id: lineId, currency: 'EUR' });
  });

  it('lets only managers change the budget', async () => {
    const lines = await countRows('budget_line', main.id);
    const input = { exchangeId: main.id, category: 'OTHER' as const, description: 'Sneaky', amountMinor: 1, currency: 'EUR' };
    expectErrorCode(await api.exec(AddBudgetLineDocument, { input }), 'UNAUTHENTICATED');
    expectErrorCode(await api.as(teacherMalmo).exec(AddBudgetLineDocument, { input }), 'FORBIDDEN');
    expectErrorCode(await api.as(app).exec(AddBudgetLineDocument, { input }), 'FORBIDDEN');
    const outsider = expectData(await api.as(coordParis).exec(AddBudgetLineDocument, { input }));
    expect(outsider.addBudgetLine.userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    expect(await countRows('budget_line', main.id)).toBe(lines);
  });

  it('refuses changes once the exchange is closed', async () => {
    const cancelled = await createExchange(api.as(coordMalmo), 'Called off', cls.malmo!.id, [cls.paris!.id]);
    await addLine(coordMalmo, { category: 'TRAVEL', description: 'Deposit', amountMinor: 10_000, currency: 'EUR' }, cancelled);
    await transition(api.as(coordMalmo), cancelled, 'CANCELLED', 'The partner school closed.');
    const res = expectData(
      await api.as(coordMalmo).exec(AddBudgetLineDocument, { input: { exchangeId: cancelled.id, category: 'TRAVEL', description: 'More', amountMinor: 1, currency: 'EUR' } }),
    );
    expect(res.addBudgetLine.userErrors.map((e) => e.code)).toEqual(['EXCHANGE_CLOSED']);
    // Its totals stay readable.
    const budget = expectData(await api.as(coordMalmo).exec(ExchangeBudgetDocument, { id: cancelled.id })).exchange!.budget!;
    expect(budget).toEqual({ participantCount: 0, totals: [{ currency: 'EUR', cost: 10_000, fundingSecured: 0, fundingReceived: 0, fundingPending: 0, gap: 10_000, costPerParticipant: null }] });
  });
});

describe('Erasmus+ travel estimate', () => {
  it('prices each traveller by distance band and green travel from the 2021 unit-cost table', async () => {
    const data = expectData(await api.as(coordMalmo).exec(ExchangeErasmusEstimateDocument, { id: main.id })).exchange!;
    const [toKrakow, toMalmo] = data.visits.edges.map((e) => e.node);
    // Malmö–Kraków is about 770 km as the crow flies: the 500–1999 km band.
    expect(toKrakow!.distanceKm).toBeGreaterThanOrEqual(700);
    expect(toKrakow!.distanceKm).toBeLessThanOrEqual(850);
    // By green train: €320 for each of 20 pupils and 2 teachers.
    expect(toKrakow!.estimatedErasmusTravelSupport).toEqual({
      distanceBand: 'KM_500_1999', greenRate: true, travellerCount: 22, unitCostMinor: 32_000, amountMinor: 22 * 32_000, currency: 'EUR',
    });
    // Back by plane: the standard €275 for 18 pupils and 2 teachers.
    expect(toMalmo!.estimatedErasmusTravelSupport).toEqual({
      distanceBand: 'KM_500_1999', greenRate: false, travellerCount: 20, unitCostMinor: 27_500, amountMinor: 20 * 27_500, currency: 'EUR',
    });
    expect(data.budget!.estimatedErasmusTravelSupport).toEqual({
      currency: 'EUR', amountMinor: 704_000 + 550_000, travellerCount: 42, visitCount: 2, visitsWithoutSupport: 0,
      tableYear: 2021, tableSource: expect.stringContaining('Erasmus+ Programme Guide 2021'),
    });
  });

  it('has no green rate under 100 km and no support under 10 km', async () => {
    const near = await createExchange(api.admin, 'Across the county', cls.stockholm!.id, [cls.uppsala!.id, cls.stockholm2!.id]);
    // Uppsala–Stockholm, about 64 km by green bus: €23, green or not.
    await addVisit(api.admin, near, {
      hostSchoolId: school.stockholm!.id, guestClassIds: [cls.uppsala!.id], startsOn: daysFromToday(30), endsOn: daysFromToday(31),
      participantCount: 10, accompanyingTeacherCount: 1, transportMode: 'BUS',
    });
    // Another school in the same town: 0 km.
    await addVisit(api.admin, near, {
      hostSchoolId: school.stockholm!.id, guestClassIds: [cls.stockholm2!.id], startsOn: daysFromToday(40), endsOn: daysFromToday(40),
      participantCount: 25, accompanyingTeacherCount: 2, transportMode: 'BIKE',
    });
    const data = expectData(await api.admin.exec(ExchangeErasmusEstimateDocument, { id: near.id })).exchange!;
    const [uppsala, local] = data.visits.edges.map((e) => e.node);
    expect(uppsala).toMatchObject({ distanceBand: 'KM_10_99', greenTravel: true });
    expect(uppsala!.estimatedErasmusTravelSupport).toEqual({
      distanceBand: 'KM_10_99', greenRate: false, travellerCount: 11, unitCostMinor: 2_300, amountMinor: 11 * 2_300, currency: 'EUR',
    });
    expect(local).toMatchObject({ distanceKm: 0, distanceBand: null, estimatedErasmusTravelSupport: null });
    expect(data.budget!).toMatchObject({
      participantCount: 11 + 27,
      estimatedErasmusTravelSupport: { amountMinor: 25_300, travellerCount: 11, visitCount: 1, visitsWithoutSupport: 1 },
    });
  });
});
