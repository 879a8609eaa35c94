import {
  ClassPairingsDocument,
  CreateETwinningProjectDocument,
  ETwinningProjectsDocument,
  LanguagePairingsDocument,
  ProposePairingDocument,
  RespondToPairingDocument,
  TransitionPairingDocument,
  type ProposePairingInput,
} from '../schema/generated/graphql';
import { fromGlobalId } from '../src/lib/global-id';
import { createClass, createSchool } from './fixtures/schools';
import { insertTowns, type TownName } from './fixtures/towns';
import { createTestApi, createUserWithToken, expectData, expectErrorCode, type TestApi } from './helpers/api';

let api: TestApi;
let towns: Record<TownName, string>;
/** A Swedish class learning French, and a French class learning Swedish: a reciprocal tandem. */
let sv: { id: string; schoolId: string };
let fr: { id: string; schoolId: string };
let de: { id: string };
let teacherSv: string;
let teacherFr: string;

const localId = (globalId: string) => fromGlobalId(globalId)!.id;

async function makeTeacher(name: string, classId: string) {
  const { token, userId } = await createUserWithToken(api.orm, name);
  await api.orm.em.getConnection().execute('insert into class_teacher (user_id, class_id) values (?, ?)', [userId, localId(classId)]);
  return token;
}

beforeAll(async () => {
  api = await createTestApi();
  towns = await insertTowns(api.orm);
  const svSchool = await createSchool(api, towns.Uppsala);
  const frSchool = await createSchool(api, towns.Lyon, { instructionLanguages: ['fr'] });
  const deSchool = await createSchool(api, towns.Munich, { instructionLanguages: ['de'] });
  const svClass = await createClass(api, svSchool.id, {
    languages: [
      { language: 'sv', role: 'INSTRUCTION' },
      { language: 'fr', role: 'LEARNING', level: 'A2' },
    ],
  });
  const frClass = await createClass(api, frSchool.id, {
    languages: [
      { language: 'fr', role: 'INSTRUCTION' },
      { language: 'sv', role: 'LEARNING', level: 'A1' },
    ],
  });
  de = await createClass(api, deSchool.id, { languages: [{ language: 'de', role: 'INSTRUCTION' }], pairingModes: ['VIDEO'] });
  sv = { id: svClass.id, schoolId: svSchool.id };
  fr = { id: frClass.id, schoolId: frSchool.id };
  teacherSv = await makeTeacher('Sara Svensson', sv.id);
  teacherFr = await makeTeacher('François Martin', fr.id);
});
afterAll(() => api.close());

const tandem = (over: Partial<ProposePairingInput> = {}): ProposePairingInput => ({
  classId: sv.id,
  partnerClassId: fr.id,
  languageA: 'sv',
  languageB: 'fr',
  mode: 'TANDEM_VISIT',
  message: 'Hej! Would your class like to visit Uppsala in spring?',
  ...over,
});

describe('reciprocity', () => {
  it('refuses pairings whose languages do not match, saying which side fails', async () => {
    const cases: [Partial<ProposePairingInput>, string][] = [
      [{ languageA: 'de' }, 'CLASS_A_DOES_NOT_OFFER'],
      [{ languageA: 'sv', languageB: 'de' }, 'CLASS_B_DOES_NOT_OFFER'],
      [{ partnerClassId: 'nope' }, 'INVALID_ID'],
      [{ partnerClassId: sv.id }, 'SAME_CLASS'],
      [{ languageB: null }, 'ONE_WAY_NOT_ALLOWED'],
      [{ mode: 'ETWINNING', partnerClassId: '' }, 'INVALID_ID'],
    ];
    for (const [over, code] of cases) {
      const res = expectData(await api.as(teacherSv).exec(ProposePairingDocument, { input: tandem(over) }));
      expect(res.proposePairing.pairing).toBeNull();
      expect(res.proposePairing.userErrors.map((e) => e.code)).toContain(code);
    }
    // The German class neither learns Swedish nor teaches French, and only does video.
    const toDe = expectData(await api.as(teacherSv).exec(ProposePairingDocument, { input: tandem({ partnerClassId: de.id }) }));
    expect(toDe.proposePairing.userErrors.map((e) => e.code).sort()).toEqual(['CLASS_B_DOES_NOT_LEARN', 'CLASS_B_DOES_NOT_OFFER', 'MODE_NOT_ACCEPTED']);
    // The Swedish class does not learn German: the A side fails.
    const deBack = expectData(
      await api.as(teacherSv).exec(ProposePairingDocument, { input: tandem({ partnerClassId: de.id, languageB: 'de', mode: 'VIDEO' }) }),
    );
    expect(deBack.proposePairing.userErrors.map((e) => e.code).sort()).toEqual(['CLASS_A_DOES_NOT_LEARN', 'CLASS_B_DOES_NOT_LEARN']);
    const rows = await api.orm.em.getConnection().execute('select count(*)::int as n from language_pairing');
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('allows a one-way pairing only when asked for, and marks it unbalanced', async () => {
    const res = expectData(
      await api.as(teacherSv).exec(ProposePairingDocument, { input: tandem({ languageB: null, allowOneWay: true, mode: 'PEN_PALS' }) }),
    );
    expect(res.proposePairing.userErrors).toEqual([]);
    expect(res.proposePairing.pairing).toMatchObject({ languageA: 'sv', languageB: null, unbalanced: true, status: 'PROPOSED' });
    // Withdrawn by its proposer, so it does not block the tandem below.
    const withdrawn = expectData(
      await api.as(teacherSv).exec(TransitionPairingDocument, { input: { id: res.proposePairing.pairing!.id, to: 'DECLINED' } }),
    );
    expect(withdrawn.transitionPairing.pairing!.status).toBe('DECLINED');
  });

  it('needs rights on the proposing class', async () => {
    expectErrorCode(await api.exec(ProposePairingDocument, { input: tandem() }), 'UNAUTHENTICATED');
    expectErrorCode(await api.as(teacherFr).exec(ProposePairingDocument, { input: tandem() }), 'FORBIDDEN');
  });
});

describe('lifecycle', () => {
  it('goes PROPOSED → ACCEPTED → ACTIVE → ENDED, with the right people at each step', async () => {
    const proposed = expectData(await api.as(teacherSv).exec(ProposePairingDocument, { input: tandem() }));
    expect(proposed.proposePairing.userErrors).toEqual([]);
    const pairing = proposed.proposePairing.pairing!;
    expect(pairing).toMatchObject({ status: 'PROPOSED', unbalanced: false, proposedBy: { name: 'Sara Svensson' } });

    // Only class B answers.
    expectErrorCode(await api.as(teacherSv).exec(RespondToPairingDocument, { input: { id: pairing.id, accept: true } }), 'FORBIDDEN');
    const accepted = expectData(
      await api.as(teacherFr).exec(RespondToPairingDocument, { input: { id: pairing.id, accept: true, message: 'Avec plaisir !' } }),
    );
    expect(accepted.respondToPairing.pairing).toMatchObject({ status: 'ACCEPTED', responseMessage: 'Avec plaisir !' });
    const again = expectData(await api.as(teacherFr).exec(RespondToPairingDocument, { input: { id: pairing.id, accept: false } }));
    expect(again.respondToPairing.userErrors.map((e) => e.code)).toEqual(['INVALID_TRANSITION']);

    const active = expectData(await api.as(teacherFr).exec(TransitionPairingDocument, { input: { id: pairing.id, to: 'ACTIVE' } }));
    expect(active.transitionPairing.pairing!.status).toBe('ACTIVE');
    const backwards = expectData(await api.as(teacherSv).exec(TransitionPairingDocument, { input: { id: pairing.id, to: 'ACCEPTED' } }));
    expect(backwards.transitionPairing.userErrors.map((e) => e.code)).toEqual(['INVALID_TRANSITION']);

    // Both sides see it; an outsider sees nothing.
    for (const token of [teacherSv, teacherFr]) {
      const mine = expectData(await api.as(token).exec(LanguagePairingsDocument, { filter: { statuses: ['ACTIVE'] } }));
      expect(mine.languagePairings.edges.map((e) => e.node.id)).toEqual([pairing.id]);
    }
    const { token: outsider } = await createUserWithToken(api.orm, 'Outsider');
    expect(expectData(await api.as(outsider).exec(LanguagePairingsDocument, {})).languagePairings.totalCount).toBe(0);
    const nested = expectData(await api.as(outsider).exec(ClassPairingsDocument, { id: fr.id }));
    expect(nested.schoolClass!.pairings.totalCount).toBe(0);
    expect(expectData(await api.as(teacherFr).exec(ClassPairingsDocument, { id: fr.id })).schoolClass!.pairings.totalCount).toBe(2);

    const ended = expectData(await api.as(teacherSv).exec(TransitionPairingDocument, { input: { id: pairing.id, to: 'ENDED' } }));
    expect(ended.transitionPairing.pairing!.status).toBe('ENDED');
  });

  it('creates exactly one pairing from 20 identical parallel proposals', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => api.as(teacherSv).exec(ProposePairingDocument, { input: tandem({ mode: 'VIDEO' }) })),
    );
    const payloads = results.map((r) => expectData(r).proposePairing);
    expect(payloads.filter((p) => p.pairing !== null)).toHaveLength(1);
    expect(payloads.filter((p) => p.userErrors.some((e) => e.code === 'DUPLICATE'))).toHaveLength(19);
    const [row] = await api.orm.em
      .getConnection()
      .execute<{ n: number }[]>(`select count(*)::int as n from language_pairing where status = 'PROPOSED'`);
    expect(row!.n).toBe(1);
    // The same pair from the other side, same languages, is also a duplicate while it is open.
    const mirrored = expectData(
      await api.as(teacherFr).exec(ProposePairingDocument, {
        input: { classId: fr.id, partnerClassId: sv.id, languageA: 'fr', languageB: 'sv', mode: 'VIDEO' },
      }),
    );
    expect(mirrored.proposePairing.userErrors.map((e) => e.code)).toEqual(['DUPLICATE']);
  });
});

describe('eTwinning projects', () => {
  it('links a project with labels and participants, validates it, and lists it publicly', async () => {
    const input = {
      projectNumber: '251234',
      title: 'Rivers of Europe',
      url: 'https://school-education.ec.europa.eu/en/etwinning/projects/rivers-europe',
      ageMin: 12,
      ageMax: 15,
      subjects: ['Geography', 'biology'],
      languages: ['en', 'fr', 'sv'],
      qualityLabels: [
        { kind: 'NATIONAL' as const, year: 2024, country: 'SE' },
        { kind: 'EUROPEAN' as const, year: 2025 },
      ],
      participants: [{ schoolId: sv.schoolId, classId: sv.id }, { schoolId: fr.schoolId }],
    };
    const bad = expectData(
      await api.as(teacherSv).exec(CreateETwinningProjectDocument, {
        input: { ...input, url: 'http://insecure.example.org', projectNumber: 'abc', qualityLabels: [{ kind: 'NATIONAL', year: 2024 }] },
      }),
    );
    expect(bad.createETwinningProject.userErrors.map((e) => e.code).sort()).toEqual(['INVALID_COUNTRY', 'INVALID_PROJECT_NUMBER', 'INVALID_URL']);
    const { token: outsider } = await createUserWithToken(api.orm, 'Not a participant');
    expectErrorCode(await api.as(outsider).exec(CreateETwinningProjectDocument, { input }), 'FORBIDDEN');

    const ok = expectData(await api.as(teacherSv).exec(CreateETwinningProjectDocument, { input }));
    expect(ok.createETwinningProject.userErrors).toEqual([]);
    expect(ok.createETwinningProject.project).toMatchObject({
      subjects: ['geography', 'biology'],
      qualityLabels: [
        { kind: 'NATIONAL', year: 2024, country: 'SE' },
        { kind: 'EUROPEAN', year: 2025, country: null },
      ].sort((a, b) => b.year - a.year),
      schools: [{ id: sv.schoolId }, { id: fr.schoolId }],
    });
    const dup = expectData(await api.as(teacherSv).exec(CreateETwinningProjectDocument, { input }));
    expect(dup.createETwinningProject.userErrors.map((e) => e.code)).toEqual(['DUPLICATE']);

    const listed = expectData(await api.exec(ETwinningProjectsDocument, { filter: { language: 'sv', qualityLabel: 'EUROPEAN', country: 'FR' } }));
    expect(listed.eTwinningProjects.edges.map((e) => e.node.title)).toEqual(['Rivers of Europe']);
    expect(expectData(await api.exec(ETwinningProjectsDocument, { filter: { pupilAge: 9 } })).eTwinningProjects.totalCount).toBe(0);
  });
});
