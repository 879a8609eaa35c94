import {
  AddBudgetLineDocument,
  AddFundingSourceDocument,
  AttachContactDocument,
  CreateContactDocument,
  AddEvaluationDocument,
  AddGoalDocument,
  AddHostFamilyDocument,
  AddParticipantDocument,
  AddVisitDocument,
  CreateExchangeDocument,
  DeleteSchoolClassDocument,
  EraseParticipantDocument,
  ExchangeForAppsDocument,
  TwoGoalsDocument,
  ExchangeDetailDocument,
  ExchangeDocument,
  ExchangeNodeDocument,
  ExchangeParticipantsDocument,
  ExchangesDocument,
  ExchangeTimelineDocument,
  RemoveVisitDocument,
  SchoolExchangesDocument,
  TransitionExchangeDocument,
  UpdateExchangeDocument,
  UpdateGoalDocument,
  UpdateHostFamilyDocument,
  UpdateParticipantDocument,
  UpdateVisitDocument,
} from '../schema/generated/graphql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { purgeExpiredPersonalData } from '../src/modules/retention/retention';
import { agreedExchange, day, draftExchange, exchangeWorld, localId, transition, visitInput, type ExchangeWorld } from './fixtures/exchanges';
import { Scope } from '../src/modules/auth/viewer';
import { makeAppToken } from './fixtures/planned-exchanges';
import { createTestApi, expectData, expectErrorCode, type Executor, type TestApi } from './helpers/api';

let api: TestApi;
let w: ExchangeWorld;

beforeAll(async () => {
  api = await createTestApi();
  w = await exchangeWorld(api);
});
afterAll(() => api.close());

/** Every row that belongs to one exchange: equal snapshots mean nothing about it changed. */
async function snapshotExchange(globalId: string) {
  const id = localId(globalId);
  const conn = api.orm.em.getConnection();
  const out: Record<string, unknown[]> = {};
  const queries: Record<string, string> = {
    exchange: 'select * from exchange where id = ?',
    exchange_class: 'select * from exchange_class where exchange_id = ? order by class_id',
    visit: 'select * from visit where exchange_id = ? order by id',
    visit_guest_class: 'select g.* from visit_guest_class g join visit v on v.id = g.visit_id where v.exchange_id = ? order by g.visit_id, g.class_id',
    goal: 'select * from goal where exchange_id = ? order by id',
    evaluation: 'select ev.* from evaluation ev join goal g on g.id = ev.goal_id where g.exchange_id = ? order by ev.id',
    participant: 'select * from participant where exchange_id = ? order by id',
    host_family: 'select * from host_family where exchange_id = ? order by id',
    exchange_event: 'select * from exchange_event where exchange_id = ? order by id',
  };
  for (const [table, sql] of Object.entries(queries)) out[table] = await conn.execute(sql, [id]);
  return out;
}

/** Runs a refused change and asserts its code and that nothing about the exchange changed. */
async function expectRefused(exchangeId: string, code: string, attempt: () => Promise<{ userErrors: { code: string }[] }>) {
  const before = await snapshotExchange(exchangeId);
  const payload = await attempt();
  expect(payload.userErrors.map((e) => e.code)).toContain(code);
  expect(await snapshotExchange(exchangeId)).toEqual(before);
}

describe('exchange lifecycle', () => {
  it('takes one exchange through every state, as its coordinators would', async () => {
    const draft = await draftExchange(w, 'Lifecycle');
    expect(draft).toMatchObject({ status: 'DRAFT', version: 1, themes: ['ENVIRONMENT', 'LANGUAGE_LEARNING'] });

    let ex = (await transition(w.coordSv, draft.id, 'PROPOSED', 1)).exchange!;
    expect(ex).toMatchObject({ status: 'PROPOSED', version: 2 });
    ex = (await transition(w.coordFr, draft.id, 'AGREED', ex.version)).exchange!;
    expect(ex.status).toBe('AGREED');

    // A visit that has already run (last month) so the exchange can go all the way today.
    const visit = expectData(
      await w.coordSv.exec(AddVisitDocument, { input: visitInput(w, draft.id, { startsOn: day(-20), endsOn: day(-14) }) }),
    ).addVisit;
    expect(visit.userErrors).toEqual([]);
    expect(visit.visit).toMatchObject({ days: 7, greenTravel: true, guestClasses: [{ id: w.frClass.id }], hostSchool: { id: w.svSchool.id } });
    const goal = expectData(
      await w.coordFr.exec(AddGoalDocument, { input: { exchangeId: draft.id, description: 'Every pupil presents their river', evaluationOn: day(-1) } }),
    ).addGoal;
    expect(goal.userErrors).toEqual([]);
    ex = (await transition(w.coordSv, draft.id, 'PLANNED', goal.exchange!.version)).exchange!;
    expect(ex.status).toBe('PLANNED');

    const pupil = expectData(
      await w.coordFr.exec(AddParticipantDocument, { input: { exchangeId: draft.id, classId: w.frClass.id, alias: 'Renard', age: 13, parentalConsentOn: day(-30) } }),
    ).addParticipant;
    expect(pupil.userErrors).toEqual([]);
    ex = (await transition(w.coordFr, draft.id, 'ONGOING', pupil.exchange!.version)).exchange!;
    expect(ex.status).toBe('ONGOING');
    ex = (await transition(w.coordSv, draft.id, 'EVALUATING', ex.version)).exchange!;
    expect(ex.status).toBe('EVALUATING');

    const evaluation = expectData(
      await w.coordSv.exec(AddEvaluationDocument, { input: { goalId: goal.goal!.id, evaluatedOn: day(0), outcome: 4, notes: 'Most did, two were ill.' } }),
    ).addEvaluation;
    expect(evaluation.userErrors).toEqual([]);
    const done = await transition(w.coordSv, draft.id, 'COMPLETED', evaluation.exchange!.version);
    expect(done.userErrors).toEqual([]);
    expect(done.exchange).toMatchObject({ status: 'COMPLETED' });

    const timeline = expectData(await w.teacherSv.exec(ExchangeTimelineDocument, { id: draft.id, first: 50 })).exchange!.timeline;
    const statuses = timeline.edges.map((e) => e.node).filter((n) => n.kind === 'STATUS_CHANGED').reverse().map((n) => n.toStatus);
    expect(statuses).toEqual(['PROPOSED', 'AGREED', 'PLANNED', 'ONGOING', 'EVALUATING', 'COMPLETED']);
    expect(timeline.edges.map((e) => e.node.kind)).toEqual(
      expect.arrayContaining(['CREATED', 'VISIT_ADDED', 'GOAL_ADDED', 'PARTICIPANT_ADDED', 'EVALUATION_ADDED']),
    );
    // Every change bumped the version and left one entry.
    expect(timeline.totalCount).toBe(done.exchange!.version);
    expect(timeline.edges.every((e) => e.node.actor !== null)).toBe(true);

    // A closed exchange takes no more changes.
    await expectRefused(draft.id, 'EXCHANGE_CLOSED', async () =>
      expectData(await w.coordSv.exec(AddGoalDocument, { input: { exchangeId: draft.id, description: 'One more' } })).addGoal,
    );
  });

  it('refuses every guarded move with its own code and leaves the exchange unchanged', async () => {
    const draft = await draftExchange(w, 'Guards');
    const refuseTransition = (as: Executor, to: Parameters<typeof transition>[2], version: number, code: string, reason?: string) =>
      expectRefused(draft.id, code, () => transition(as, draft.id, to, version, reason));

    await refuseTransition(w.coordSv, 'PLANNED', 1, 'INVALID_TRANSITION');
    await refuseTransition(w.coordSv, 'PROPOSED', 7, 'CONFLICT');
    await refuseTransition(w.coordSv, 'CANCELLED', 1, 'REASON_REQUIRED');
    await refuseTransition(w.coordSv, 'CANCELLED', 1, 'REASON_REQUIRED', '   ');
    // The partner does not propose on the initiator's behalf.
    await refuseTransition(w.coordFr, 'PROPOSED', 1, 'INITIATOR_MUST_PROPOSE');
    let version = (await transition(w.coordSv, draft.id, 'PROPOSED', 1)).exchange!.version;
    // The initiator cannot agree on the partner's behalf.
    await refuseTransition(w.coordSv, 'AGREED', version, 'PARTNER_MUST_AGREE');
    version = (await transition(w.coordFr, draft.id, 'AGREED', version)).exchange!.version;

    // Key 4: no plan without a visit and a goal with an evaluation date.
    const before = await snapshotExchange(draft.id);
    const planned = await transition(w.coordSv, draft.id, 'PLANNED', version);
    expect(planned.userErrors.map((e) => e.code).sort()).toEqual(['NO_GOAL_WITH_EVALUATION_DATE', 'NO_VISIT']);
    expect(await snapshotExchange(draft.id)).toEqual(before);

    const visit = expectData(await w.coordSv.exec(AddVisitDocument, { input: visitInput(w, draft.id, { startsOn: day(10), endsOn: day(15) }) })).addVisit;
    const goal = expectData(await w.coordSv.exec(AddGoalDocument, { input: { exchangeId: draft.id, description: 'Write letters' } })).addGoal;
    await refuseTransition(w.coordSv, 'PLANNED', goal.exchange!.version, 'NO_GOAL_WITH_EVALUATION_DATE');
    version = expectData(await w.coordSv.exec(UpdateGoalDocument, { input: { id: goal.goal!.id, evaluationOn: day(40) } })).updateGoal.exchange!.version;
    version = (await transition(w.coordSv, draft.id, 'PLANNED', version)).exchange!.version;

    // ONGOING: not before the first visit, and not without parental consent.
    await refuseTransition(w.coordSv, 'ONGOING', version, 'NOT_STARTED');
    const pupil = expectData(await w.coordSv.exec(AddParticipantDocument, { input: { exchangeId: draft.id, classId: w.svClass.id, alias: 'Lo' } })).addParticipant;
    version = pupil.exchange!.version;
    await expectRefused(draft.id, 'MISSING_PARENTAL_CONSENT', () => transition(w.coordSv, draft.id, 'ONGOING', version));

    // Move the visit into the past, so the date guard passes and only consent is missing.
    const moved = expectData(await w.coordSv.exec(UpdateVisitDocument, { input: { id: visit.visit!.id, startsOn: day(-3), endsOn: day(2) } })).updateVisit;
    expect(moved.userErrors).toEqual([]);
    version = moved.exchange!.version;
    const onlyConsent = await transition(w.coordSv, draft.id, 'ONGOING', version);
    expect(onlyConsent.userErrors.map((e) => e.code)).toEqual(['MISSING_PARENTAL_CONSENT']);
    version = expectData(await w.coordSv.exec(UpdateParticipantDocument, { input: { id: pupil.participant!.id, parentalConsentOn: day(-5) } }))
      .updateParticipant.exchange!.version;
    version = (await transition(w.coordSv, draft.id, 'ONGOING', version)).exchange!.version;

    // A visit under way keeps its start on record.
    await expectRefused(draft.id, 'VISIT_STARTED', async () =>
      expectData(await w.coordSv.exec(UpdateVisitDocument, { input: { id: visit.visit!.id, startsOn: day(20), endsOn: day(25) } })).updateVisit,
    );
    // EVALUATING only once the last visit is over (it ends in two days).
    await refuseTransition(w.coordSv, 'EVALUATING', version, 'VISITS_NOT_OVER');
    const ended = expectData(await w.coordSv.exec(UpdateVisitDocument, { input: { id: visit.visit!.id, endsOn: day(-1) } })).updateVisit;
    version = (await transition(w.coordSv, draft.id, 'EVALUATING', ended.exchange!.version)).exchange!.version;

    // COMPLETED needs every goal evaluated.
    await refuseTransition(w.coordSv, 'COMPLETED', version, 'GOALS_NOT_EVALUATED');
    // Once evaluating, no visit date moves.
    await expectRefused(draft.id, 'VISIT_STARTED', async () =>
      expectData(await w.coordSv.exec(UpdateVisitDocument, { input: { id: visit.visit!.id, endsOn: day(30) } })).updateVisit,
    );
    // Visits that have happened stay on record.
    await expectRefused(draft.id, 'INVALID_TRANSITION', async () =>
      expectData(await w.coordSv.exec(RemoveVisitDocument, { input: { id: visit.visit!.id } })).removeVisit,
    );
    // CANCELLED is possible from any state before COMPLETED, with a reason.
    const cancelled = await transition(w.coordFr, draft.id, 'CANCELLED', version, 'School closed for renovation');
    expect(cancelled.exchange).toMatchObject({ status: 'CANCELLED', cancelReason: 'School closed for renovation' });
    await refuseTransition(w.coordSv, 'DRAFT', cancelled.exchange!.version, 'EXCHANGE_CLOSED');
  });

  it('lets exactly one of 10 parallel transitions with the same version through', async () => {
    const draft = await draftExchange(w, 'Race');
    const results = await Promise.all(
      Array.from({ length: 10 }, () => w.coordSv.exec(TransitionExchangeDocument, { input: { id: draft.id, to: 'PROPOSED', version: 1 } })),
    );
    const payloads = results.map((r) => expectData(r).transitionExchange);
    expect(payloads.filter((p) => p.userErrors.length === 0)).toHaveLength(1);
    expect(payloads.filter((p) => p.userErrors.length > 0).map((p) => p.userErrors[0]!.code)).toEqual(Array(9).fill('CONFLICT'));
    const timeline = expectData(await w.coordSv.exec(ExchangeTimelineDocument, { id: draft.id, first: 50 })).exchange!.timeline;
    expect(timeline.edges.filter((e) => e.node.kind === 'STATUS_CHANGED')).toHaveLength(1);
    expect(expectData(await w.coordSv.exec(ExchangeDocument, { id: draft.id })).exchange).toMatchObject({ status: 'PROPOSED', version: 2 });
  });

  it('checks the classes of a new exchange', async () => {
    const attempt = async (classes: { classId: string; role: 'INITIATOR' | 'PARTNER' }[], as: Executor = w.coordSv) =>
      expectData(await as.exec(CreateExchangeDocument, { input: { title: 'Checks', classes } })).createExchange;
    expect((await attempt([{ classId: w.svClass.id, role: 'INITIATOR' }, { classId: w.svClass2.id, role: 'PARTNER' }])).userErrors.map((e) => e.code)).toEqual(['NOT_ENOUGH_CLASSES']);
    expect((await attempt([{ classId: w.svClass.id, role: 'PARTNER' }, { classId: w.frClass.id, role: 'PARTNER' }])).userErrors.map((e) => e.code)).toEqual(['ONE_INITIATOR']);
    expect((await attempt([{ classId: w.svClass.id, role: 'INITIATOR' }, { classId: w.svClass.id, role: 'PARTNER' }])).userErrors.map((e) => e.code)).toEqual(['DUPLICATE']);
    // Only the initiator's school (or an admin) starts an exchange.
    expectErrorCode(await w.coordFr.exec(CreateExchangeDocument, { input: { title: 'Not mine', classes: [{ classId: w.svClass.id, role: 'INITIATOR' }, { classId: w.frClass.id, role: 'PARTNER' }] } }), 'FORBIDDEN');
    const blank = expectData(await w.coordSv.exec(CreateExchangeDocument, { input: { title: '  ', classes: [{ classId: w.svClass.id, role: 'INITIATOR' }, { classId: w.frClass.id, role: 'PARTNER' }] } })).createExchange;
    expect(blank.userErrors.map((e) => e.code)).toEqual(['REQUIRED']);
    expect(Number((await api.orm.em.getConnection().execute(`select count(*)::int as n from exchange where title in ('Checks', 'Not mine', '  ')`))[0].n)).toBe(0);
  });

  it('updates the description with the current version only', async () => {
    const draft = await draftExchange(w, 'Update me');
    const ok = expectData(await w.coordFr.exec(UpdateExchangeDocument, { input: { id: draft.id, version: 1, title: 'Updated', themes: ['PEACE'] } })).updateExchange;
    expect(ok.exchange).toMatchObject({ title: 'Updated', themes: ['PEACE'], version: 2 });
    await expectRefused(draft.id, 'CONFLICT', async () =>
      expectData(await w.coordFr.exec(UpdateExchangeDocument, { input: { id: draft.id, version: 1, title: 'Lost update' } })).updateExchange,
    );
    const other = await draftExchange(w, 'Follow-up');
    const linked = expectData(await w.coordSv.exec(UpdateExchangeDocument, { input: { id: other.id, version: 1, followsUpExchangeId: draft.id } })).updateExchange;
    expect(linked.exchange!.followsUp).toEqual({ id: draft.id });
  });
});

describe('visits', () => {
  it('checks dates, length, overlap, host and guests, and green travel', async () => {
    const ex = await agreedExchange(w, { startsOn: day(100), endsOn: day(105) }, 'Visits');
    const add = async (overrides: Parameters<typeof visitInput>[2]) =>
      expectData(await w.coordSv.exec(AddVisitDocument, { input: visitInput(w, ex.id, overrides) })).addVisit;
    const refused = async (code: string, overrides: Parameters<typeof visitInput>[2]) => expectRefused(ex.id, code, () => add(overrides));

    await refused('INVALID_DATE_RANGE', { startsOn: day(200), endsOn: day(199) });
    await refused('VISIT_TOO_LONG', { startsOn: day(200), endsOn: day(260) });
    // The same guest class cannot be in two places at once, even across exchanges.
    await refused('VISIT_OVERLAP', { startsOn: day(104), endsOn: day(110) });
    await refused('GUEST_IS_HOST', { guestClassIds: [w.svClass.id] });
    await refused('NOT_IN_EXCHANGE', { hostSchoolId: w.deSchool.id });
    await refused('NOT_IN_EXCHANGE', { guestClassIds: [w.deClass.id] });
    await refused('INVALID_VALUE', { transportMode: 'PLANE', greenTravel: true });
    await refused('INVALID_VALUE', { participantCount: -1 });

    const longest = await add({ startsOn: day(200), endsOn: day(259), transportMode: 'PLANE' });
    expect(longest.userErrors).toEqual([]);
    expect(longest.visit).toMatchObject({ days: 60, greenTravel: false });
    // Uppsala–Lyon is about 1,780 km as the crow flies.
    expect(longest.visit!.distanceKm).toBeGreaterThan(1700);
    expect(longest.visit!.distanceKm).toBeLessThan(1900);
    expect(longest.visit!.distanceBand).toBe('KM_500_1999');

    // Moving a visit onto another of the same class is refused too.
    await expectRefused(ex.id, 'VISIT_OVERLAP', async () =>
      expectData(await w.coordSv.exec(UpdateVisitDocument, { input: { id: longest.visit!.id, startsOn: day(101), endsOn: day(120) } })).updateVisit,
    );
  });

  it('holds the no-overlap rule in the database itself', async () => {
    const ex = await agreedExchange(w, { startsOn: day(400), endsOn: day(405) }, 'Database overlap');
    const conn = api.orm.em.getConnection();
    const [visit] = await conn.execute(
      `insert into visit (exchange_id, host_school_id, starts_on, ends_on, participant_count, accompanying_teacher_count, transport_mode, green_travel, accommodation)
       values (?, ?, ?, ?, 5, 1, 'BUS', true, 'HOSTEL') returning id`,
      [localId(ex.id), localId(w.svSchool.id), day(403), day(409)],
    );
    await expect(conn.execute('insert into visit_guest_class (visit_id, class_id) values (?, ?)', [visit.id, localId(w.frClass.id)])).rejects.toThrow(/visit_guest_class_no_overlap/);
    await expect(conn.execute(`update visit set ends_on = starts_on + 60 where id = ?`, [visit.id])).rejects.toThrow(/check/);
    await conn.execute('delete from visit where id = ?', [visit.id]);
  });
});

describe('participants and host families', () => {
  it('keeps host families within capacity and pupils with the other school', async () => {
    const ex = await agreedExchange(w, { startsOn: day(500), endsOn: day(505) }, 'Hosting');
    const family = expectData(
      await w.coordSv.exec(AddHostFamilyDocument, { input: { exchangeId: ex.id, schoolId: w.svSchool.id, name: 'Lindqvist', capacity: 1, languages: ['sv', 'en'], notes: 'Cat at home' } }),
    ).addHostFamily;
    expect(family.userErrors).toEqual([]);
    const first = expectData(
      await w.coordFr.exec(AddParticipantDocument, { input: { exchangeId: ex.id, classId: w.frClass.id, alias: 'Loup', hostFamilyId: family.hostFamily!.id } }),
    ).addParticipant;
    expect(first.userErrors).toEqual([]);
    await expectRefused(ex.id, 'CAPACITY_EXCEEDED', async () =>
      expectData(await w.coordFr.exec(AddParticipantDocument, { input: { exchangeId: ex.id, classId: w.frClass.id, alias: 'Ours', hostFamilyId: family.hostFamily!.id } })).addParticipant,
    );
    await expectRefused(ex.id, 'GUEST_IS_HOST', async () =>
      expectData(await w.coordSv.exec(AddParticipantDocument, { input: { exchangeId: ex.id, classId: w.svClass.id, alias: 'Älg', hostFamilyId: family.hostFamily!.id } })).addParticipant,
    );
    await expectRefused(ex.id, 'NOT_IN_EXCHANGE', async () =>
      expectData(await w.coordSv.exec(AddParticipantDocument, { input: { exchangeId: ex.id, classId: w.deClass.id, alias: 'Bär' } })).addParticipant,
    );
    await expectRefused(ex.id, 'INVALID_DATE_RANGE', async () =>
      expectData(await w.coordFr.exec(AddParticipantDocument, { input: { exchangeId: ex.id, classId: w.frClass.id, alias: 'Futur', parentalConsentOn: day(3) } })).addParticipant,
    );
    // A family cannot shrink below the pupils it already hosts.
    const big = expectData(await w.coordSv.exec(AddHostFamilyDocument, { input: { exchangeId: ex.id, schoolId: w.svSchool.id, name: 'Holm', capacity: 3 } })).addHostFamily;
    for (const alias of ['Chat', 'Chien']) {
      const p = expectData(await w.coordFr.exec(AddParticipantDocument, { input: { exchangeId: ex.id, classId: w.frClass.id, alias, hostFamilyId: big.hostFamily!.id } })).addParticipant;
      expect(p.userErrors).toEqual([]);
    }
    await expectRefused(ex.id, 'CAPACITY_EXCEEDED', async () =>
      expectData(await w.coordSv.exec(UpdateHostFamilyDocument, { input: { id: big.hostFamily!.id, capacity: 1 } })).updateHostFamily,
    );
    const shrunk = expectData(await w.coordSv.exec(UpdateHostFamilyDocument, { input: { id: big.hostFamily!.id, capacity: 2 } })).updateHostFamily;
    expect(shrunk.hostFamily).toMatchObject({ capacity: 2 });
    // The database refuses an over-full family even when the application is bypassed.
    const conn = api.orm.em.getConnection();
    await expect(
      conn.execute(`insert into participant (exchange_id, class_id, alias, host_family_id) values (?, ?, 'Sneaky', ?)`, [localId(ex.id), localId(w.frClass.id), localId(family.hostFamily!.id)]),
    ).rejects.toThrow(/host_family_capacity/);
  });

  it('erases a pupil: no personal field readable anywhere, counts unchanged', async () => {
    const ex = await agreedExchange(w, { startsOn: day(600), endsOn: day(605) }, 'Erasure');
    const family = expectData(await w.coordSv.exec(AddHostFamilyDocument, { input: { exchangeId: ex.id, schoolId: w.svSchool.id, name: 'Berg', capacity: 2 } })).addHostFamily;
    const added = expectData(
      await w.coordFr.exec(AddParticipantDocument, {
        input: {
          exchangeId: ex.id, classId: w.frClass.id, alias: 'Hibou', fullName: 'Camille Durand', age: 13, specialNeeds: true,
          needsNotes: 'Nut allergy', parentalConsentOn: day(-10), photoConsentOn: day(-10), hostFamilyId: family.hostFamily!.id,
        },
      }),
    ).addParticipant;
    expect(added.userErrors).toEqual([]);
    const id = added.participant!.id;
    const countBefore = added.exchange!.participantCount;

    const erased = expectData(await w.coordFr.exec(EraseParticipantDocument, { input: { id } })).eraseParticipant;
    expect(erased.userErrors).toEqual([]);
    expect(erased.participant).toMatchObject({ alias: null, fullName: null, age: null, specialNeeds: null, needsNotes: null, parentalConsentOn: null, photoConsentOn: null });
    expect(erased.participant!.erasedAt).not.toBeNull();
    expect(erased.exchange!.participantCount).toBe(countBefore);

    const list = expectData(await w.coordFr.exec(ExchangeParticipantsDocument, { id: ex.id })).exchange!;
    expect(list.participantCount).toBe(countBefore);
    expect(list.participants!.totalCount).toBe(countBefore);
    const node = list.participants!.edges.find((e) => e.node.id === id)!.node;
    expect(node).toMatchObject({ alias: null, fullName: null, age: null, specialNeeds: null, needsNotes: null, parentalConsentOn: null, photoConsentOn: null });
    // Which family hosted the pupil is the pupil's data too: the link goes, and the place is free again.
    expect(node.hostFamily).toBeNull();
    expect(expectData(await api.admin.exec(ExchangeNodeDocument, { id })).node).toMatchObject({ alias: null, fullName: null, age: null });
    // Nothing written anywhere still holds the pupil's data: not the row, not the timeline, not the audit log.
    const conn = api.orm.em.getConnection();
    for (const secret of ['Hibou', 'Camille', 'Durand', 'Nut allergy']) {
      const [hits] = await conn.execute(
        `select (select count(*)::int from participant p where p::text like ?) + (select count(*)::int from exchange_event e where e::text like ?)
              + (select count(*)::int from audit_entry a where a::text like ?) as n`,
        [`%${secret}%`, `%${secret}%`, `%${secret}%`],
      );
      expect({ secret, n: Number(hits.n) }).toEqual({ secret, n: 0 });
    }
    const again = expectData(await w.coordFr.exec(EraseParticipantDocument, { input: { id } })).eraseParticipant;
    expect(again.userErrors.map((e) => e.code)).toEqual(['ALREADY_ERASED']);
    expect(expectData(await w.coordFr.exec(UpdateParticipantDocument, { input: { id, alias: 'Back' } })).updateParticipant.userErrors.map((e) => e.code)).toEqual(['ALREADY_ERASED']);
  });

  it('erases pupils and host families of long-ended exchanges on the retention run', async () => {
    const ex = await agreedExchange(w, { startsOn: day(-800), endsOn: day(-795) }, 'Old exchange');
    const pupil = expectData(await w.coordFr.exec(AddParticipantDocument, { input: { exchangeId: ex.id, classId: w.frClass.id, alias: 'Ancien', parentalConsentOn: day(-900) } })).addParticipant;
    expect(pupil.userErrors).toEqual([]);
    const family = expectData(await w.coordSv.exec(AddHostFamilyDocument, { input: { exchangeId: ex.id, schoolId: w.svSchool.id, name: 'Ek', capacity: 2 } })).addHostFamily;
    const recent = await agreedExchange(w, { startsOn: day(700), endsOn: day(703) }, 'Recent exchange');
    const recentPupil = expectData(await w.coordFr.exec(AddParticipantDocument, { input: { exchangeId: recent.id, classId: w.frClass.id, alias: 'Nouveau' } })).addParticipant;
    const cancelled = await transition(w.coordSv, ex.id, 'CANCELLED', family.exchange!.version, 'Long ago');
    expect(cancelled.userErrors).toEqual([]);

    await import('../src/modules/retention/purgers');
    const run = await purgeExpiredPersonalData(api.orm.em.fork() as EntityManager, 24);
    expect(run.results).toEqual([{ name: 'participants and host families', erased: 2 }]);
    const conn = api.orm.em.getConnection();
    expect(await conn.execute('select alias, erased_at is not null as erased from participant where id = ?', [localId(pupil.participant!.id)])).toEqual([{ alias: null, erased: true }]);
    expect(await conn.execute('select name from host_family where id = ?', [localId(family.hostFamily!.id)])).toEqual([{ name: null }]);
    expect(await conn.execute('select alias from participant where id = ?', [localId(recentPupil.participant!.id)])).toEqual([{ alias: 'Nouveau' }]);
  });
});

describe('who sees what', () => {
  let exchangeId: string;
  let pupilId: string;

  beforeAll(async () => {
    const ex = await agreedExchange(w, { startsOn: day(800), endsOn: day(804) }, 'Privacy');
    exchangeId = ex.id;
    pupilId = expectData(await w.coordFr.exec(AddParticipantDocument, { input: { exchangeId, classId: w.frClass.id, alias: 'Secret' } })).addParticipant.participant!.id;
  });

  it('shows the exchange to its schools\' people only, and private parts to coordinators only', async () => {
    // Teachers of a class in it see the exchange but not the pupils.
    const teacher = await w.teacherSv.exec(ExchangeParticipantsDocument, { id: exchangeId });
    expect(teacher.data?.exchange?.participantCount).toBe(1);
    expect(teacher.data?.exchange?.participants).toBeNull();
    expect(teacher.data?.exchange?.hostFamilies).toBeNull();
    expect(teacher.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(expectData(await w.teacherSv.exec(ExchangeNodeDocument, { id: pupilId })).node).toBeNull();
    // Another school's coordinator and anonymous callers do not see it at all.
    for (const outsider of [w.coordDe, api]) {
      expect(expectData(await outsider.exec(ExchangeDocument, { id: exchangeId })).exchange).toBeNull();
      expect(expectData(await outsider.exec(ExchangesDocument, { filter: { schoolId: w.svSchool.id } })).exchanges.totalCount).toBe(0);
      expect(expectData(await outsider.exec(ExchangeNodeDocument, { id: exchangeId })).node).toBeNull();
    }
    // Trying to change it is NOT_FOUND for outsiders (no existence leak) and FORBIDDEN for teachers.
    await expectRefused(exchangeId, 'NOT_FOUND', async () =>
      expectData(await w.coordDe.exec(AddGoalDocument, { input: { exchangeId, description: 'Intrude' } })).addGoal,
    );
    expectErrorCode(await w.teacherSv.exec(AddGoalDocument, { input: { exchangeId, description: 'Not my call' } }), 'FORBIDDEN');
    // Coordinators of both schools manage it.
    for (const coordinator of [w.coordSv, w.coordFr]) {
      const data = expectData(await coordinator.exec(ExchangeParticipantsDocument, { id: exchangeId })).exchange!;
      expect(data.participants!.edges.map((e) => e.node.alias)).toEqual(['Secret']);
      expect(expectData(await coordinator.exec(ExchangeDocument, { id: exchangeId })).exchange!.viewerCanManage).toBe(true);
    }
  });

  it('filters lists and nests them under schools and classes', async () => {
    const mine = expectData(await w.coordSv.exec(ExchangesDocument, { filter: { statuses: ['AGREED'], countries: ['FR'], themes: ['ENVIRONMENT'] }, first: 100 })).exchanges;
    expect(mine.edges.map((e) => e.node.id)).toContain(exchangeId);
    expect(mine.edges.every((e) => e.node.status === 'AGREED')).toBe(true);
    const byDates = expectData(await w.coordSv.exec(ExchangesDocument, { filter: { from: day(801), to: day(802) }, first: 100 })).exchanges;
    expect(byDates.edges.map((e) => e.node.id)).toEqual([exchangeId]);
    const none = expectData(await w.coordSv.exec(ExchangesDocument, { filter: { townId: w.towns.Munich } })).exchanges;
    expect(none.totalCount).toBe(0);
    const bad = await w.coordSv.exec(ExchangesDocument, { filter: { countries: ['XX'] } });
    expectErrorCode(bad, 'BAD_USER_INPUT');

    const school = expectData(await w.coordSv.exec(SchoolExchangesDocument, { id: w.frSchool.id })).school!;
    expect(school.exchanges.edges.map((e) => e.node.id)).toContain(exchangeId);
    const frClass = school.classes.edges.find((e) => e.node.id === w.frClass.id)!.node;
    expect(frClass.exchanges.totalCount).toBe(school.exchanges.totalCount);
  });
});

describe('several mutations in one request', () => {
  it('shows each mutation\'s own result, not what an earlier one loaded', async () => {
    const ex = await agreedExchange(w, { startsOn: day(1500), endsOn: day(1501) }, 'Two at once');
    const data = expectData(await w.coordSv.exec(TwoGoalsDocument, {
      a: { exchangeId: ex.id, description: 'First' },
      b: { exchangeId: ex.id, description: 'Second' },
    }));
    expect(data.first.exchange).toMatchObject({ version: ex.version + 1, goals: { totalCount: 2 } });
    expect(data.second.exchange).toMatchObject({ version: ex.version + 2, goals: { totalCount: 3 } });
  });
});

describe('classes in exchanges', () => {
  it('cannot be deleted while an exchange keeps them on record', async () => {
    const ex = await agreedExchange(w, { startsOn: day(1600), endsOn: day(1601) }, 'Keeps its classes');
    const res = expectData(await api.admin.exec(DeleteSchoolClassDocument, { input: { id: w.frClass.id } })).deleteSchoolClass;
    expect(res.userErrors.map((e) => e.code)).toEqual(['HAS_DEPENDENTS']);
    expect(expectData(await w.coordSv.exec(ExchangeDocument, { id: ex.id })).exchange).not.toBeNull();
  });

  it('shows apps only what is public: classes open to partners, no notes, no names', async () => {
    const ex = await agreedExchange(w, { startsOn: day(1700), endsOn: day(1701), notes: 'Meet at the station' }, 'For apps');
    // The partner class stops looking for partners: apps no longer see it, the exchange's people still do.
    await api.orm.em.getConnection().execute('update school_class set looking_for_partners = false where id = ?', [localId(w.frClass.id)]);
    try {
      const app = api.as(await makeAppToken(api, 'Exchange reader', [Scope.PUBLIC_READ, Scope.EXCHANGES_READ]));
      const seen = expectData(await app.exec(ExchangeForAppsDocument, { id: ex.id })).exchange!;
      expect(seen.classes.map((c) => c.schoolClass?.id ?? null)).toEqual([w.svClass.id, null]);
      expect(seen.visits.edges[0]!.node).toEqual({ notes: null, guestClasses: [] });
      expect(seen.timeline.edges.every((e) => e.node.actor === null)).toBe(true);
      const own = expectData(await w.teacherSv.exec(ExchangeForAppsDocument, { id: ex.id })).exchange!;
      expect(own.classes.map((c) => c.schoolClass?.id)).toEqual([w.svClass.id, w.frClass.id]);
      expect(own.visits.edges[0]!.node).toEqual({ notes: 'Meet at the station', guestClasses: [{ id: w.frClass.id }] });
      expect(own.timeline.edges.every((e) => e.node.actor !== null)).toBe(true);
    } finally {
      await api.orm.em.getConnection().execute('update school_class set looking_for_partners = true where id = ?', [localId(w.frClass.id)]);
    }
  });
});

describe('exchange detail', () => {
  it('runs the same number of SQL statements whatever the number of visits, goals, lines and contacts', async () => {
    const small = await agreedExchange(w, { startsOn: day(1000), endsOn: day(1001) }, 'Small');
    const big = await agreedExchange(w, { startsOn: day(1100), endsOn: day(1101) }, 'Big');
    const addMoneyAndContacts = async (exchangeId: string, n: number) => {
      for (let i = 0; i < n; i++) {
        const currency = ['EUR', 'SEK', 'PLN'][i % 3]!;
        const line = expectData(await w.coordSv.exec(AddBudgetLineDocument, {
          input: { exchangeId, category: 'TRAVEL', description: `Line ${i}`, amountMinor: 1000 + i, currency, basis: i % 2 ? 'TOTAL' : 'PER_PARTICIPANT' },
        })).addBudgetLine;
        expect(line.userErrors).toEqual([]);
        const funding = expectData(await w.coordSv.exec(AddFundingSourceDocument, {
          input: { exchangeId, kind: 'MUNICIPALITY', amountMinor: 500 + i, currency, status: 'GRANTED' },
        })).addFundingSource;
        expect(funding.userErrors).toEqual([]);
        const contact = expectData(await w.coordSv.exec(CreateContactDocument, { input: { name: `Contact ${i}`, email: `c${i}@example.org` } })).createContact;
        const attached = expectData(await w.coordSv.exec(AttachContactDocument, { input: { contactId: contact.contact!.id, exchangeId, role: 'TEACHER' } })).attachContact;
        expect(attached.userErrors).toEqual([]);
      }
    };
    await addMoneyAndContacts(small.id, 1);
    await addMoneyAndContacts(big.id, 6);
    for (let i = 0; i < 6; i++) {
      const visit = expectData(
        await w.coordSv.exec(AddVisitDocument, {
          input: visitInput(w, big.id, { startsOn: day(1200 + i * 10), endsOn: day(1202 + i * 10), hostSchoolId: i % 2 ? w.svSchool.id : w.frSchool.id, guestClassIds: [i % 2 ? w.frClass.id : w.svClass.id] }),
        }),
      ).addVisit;
      expect(visit.userErrors).toEqual([]);
      const goal = expectData(await w.coordSv.exec(AddGoalDocument, { input: { exchangeId: big.id, description: `Goal ${i}`, evaluationOn: day(1300) } })).addGoal;
      expect(goal.userErrors).toEqual([]);
    }
    const count = async (id: string) => {
      api.sql.reset();
      const data = expectData(await w.coordSv.exec(ExchangeDetailDocument, { id, first: 50 })).exchange!;
      expect(data.budget!.totals.length).toBeGreaterThan(0);
      return {
        statements: api.sql.count,
        visits: data.visits.totalCount,
        goals: data.goals.totalCount,
        lines: data.budgetLines!.totalCount,
        contacts: data.contacts.length,
      };
    };
    const a = await count(small.id);
    const b = await count(big.id);
    expect(a.visits).toBe(1);
    expect(b.visits).toBe(7);
    expect(b.goals).toBe(7);
    expect(b.lines).toBe(6);
    expect(b.contacts).toBe(6);
    // Seven times the rows, not one statement more. (It can be fewer: with
    // more rows, more of the schools and towns arrive in the first batch.)
    expect(b.statements).toBeLessThanOrEqual(a.statements);
    expect(a.statements).toBeLessThanOrEqual(25);
  });
});
