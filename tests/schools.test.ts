import {
  CreateSchoolClassDocument,
  CreateSchoolDocument,
  DeleteSchoolClassDocument,
  DeleteSchoolDocument,
  SchoolClassDocument,
  SchoolClassesDocument,
  SchoolWithClassesDocument,
  UpdateSchoolClassDocument,
  UpdateSchoolDocument,
  type CreateSchoolClassInput,
  type CreateSchoolInput,
} from '../schema/generated/graphql';
import { toGlobalId } from '../src/lib/global-id';
import { classInput, createClass, createSchool } from './fixtures/schools';
import { insertTowns, type TownName } from './fixtures/towns';
import { createTestApi, expectData, expectErrorCode, type TestApi } from './helpers/api';
import { snapshotDb } from './helpers/snapshot';

let api: TestApi;
let towns: Record<TownName, string>;

beforeAll(async () => {
  api = await createTestApi();
  towns = await insertTowns(api.orm);
});
afterAll(() => api.close());

describe('schools and classes', () => {
  it('goes from a school through its classes to their languages', async () => {
    const school = await createSchool(api, towns.Uppsala, {
      name: '  Katedralskolan  ',
      website: 'https://katedralskolan.uppsala.se',
      pupilCount: 1100,
      instructionLanguages: ['sv', 'en'],
    });
    expect(school.name).toBe('Katedralskolan');
    await createClass(api, school.id, {
      label: '8A',
      languages: [
        { language: 'sv', role: 'INSTRUCTION' },
        { language: 'de', role: 'LEARNING', level: 'A2' },
        { language: 'en', role: 'LEARNING', level: 'B1' },
      ],
      subjects: [' History ', 'history', 'Biology'],
      availability: [{ startsOn: '2027-03-01', endsOn: '2027-03-20' }],
    });
    const data = expectData(await api.exec(SchoolWithClassesDocument, { id: school.id }));
    expect(data.school!.town.name).toBe('Uppsala');
    const cls = data.school!.classes.edges[0]!.node;
    expect(cls.label).toBe('8A');
    expect(cls.subjects).toEqual(['history', 'biology']);
    expect(cls.languages).toEqual([
      { language: 'sv', role: 'INSTRUCTION', level: null },
      { language: 'de', role: 'LEARNING', level: 'A2' },
      { language: 'en', role: 'LEARNING', level: 'B1' },
    ]);
    expect(cls.availability).toEqual([{ startsOn: '2027-03-01', endsOn: '2027-03-20' }]);
  });

  it('filters classes by country, language offered or learned, level, age and listing', async () => {
    const lyon = await createSchool(api, towns.Lyon, { instructionLanguages: ['fr'] });
    const fr = await createClass(api, lyon.id, {
      ageMin: 14,
      ageMax: 15,
      languages: [
        { language: 'fr', role: 'INSTRUCTION' },
        { language: 'sv', role: 'LEARNING', level: 'A1' },
      ],
    });
    const closed = await createClass(api, lyon.id, { lookingForPartners: false, languages: [{ language: 'fr', role: 'INSTRUCTION' }] });
    const names = async (filter: Record<string, unknown>) =>
      expectData(await api.admin.exec(SchoolClassesDocument, { first: 100, filter: { ...filter, townId: towns.Lyon } })).schoolClasses.edges.map(
        (e) => e.node.id,
      );
    expect(await names({ country: 'FR' })).toEqual([closed.id, fr.id]);
    expect(await names({ offersLanguage: 'fr', learnsLanguage: 'sv' })).toEqual([fr.id]);
    expect(await names({ learnsLanguage: 'sv', levels: ['B1', 'B2'] })).toEqual([]);
    expect(await names({ levels: ['A1'] })).toEqual([fr.id]);
    expect(await names({ pupilAge: 15 })).toEqual([fr.id]);
    expect(await names({ pupilAge: 13 })).toEqual([closed.id]);
    expect(await names({ lookingForPartners: true })).toEqual([fr.id]);
    expect(await names({ lookingForPartners: false })).toEqual([closed.id]);
    expect(await names({ themes: ['ENVIRONMENT', 'PEACE'] })).toEqual([closed.id, fr.id]);
    expect(await names({ themes: ['PEACE'] })).toEqual([]);
    // Anonymous callers see only classes that look for partners, in lists and totals alike.
    const anonymous = expectData(await api.exec(SchoolClassesDocument, { first: 100, filter: { townId: towns.Lyon } })).schoolClasses;
    expect(anonymous.edges.map((e) => e.node.id)).toEqual([fr.id]);
    expect(anonymous.totalCount).toBe(1);
    expectErrorCode(await api.exec(SchoolClassesDocument, { filter: { learnsLanguage: 'xx' } }), 'BAD_USER_INPUT');
    expectErrorCode(await api.exec(SchoolClassesDocument, { filter: { schoolId: towns.Lyon } }), 'BAD_USER_INPUT');
  });

  it('updates and deletes a class and a school', async () => {
    const school = await createSchool(api, towns.Munich, { instructionLanguages: ['de'] });
    const cls = await createClass(api, school.id);
    const updated = expectData(
      await api.admin.exec(UpdateSchoolClassDocument, {
        input: { id: cls.id, ageMax: 16, languages: [{ language: 'de', role: 'INSTRUCTION' }], availability: [] },
      }),
    );
    expect(updated.updateSchoolClass.userErrors).toEqual([]);
    expect(updated.updateSchoolClass.schoolClass).toMatchObject({ ageMin: 12, ageMax: 16, availability: [] });
    expect(updated.updateSchoolClass.schoolClass!.languages).toEqual([{ language: 'de', role: 'INSTRUCTION', level: null }]);

    const blocked = expectData(await api.admin.exec(DeleteSchoolDocument, { input: { id: school.id } }));
    expect(blocked.deleteSchool.userErrors.map((e) => e.code)).toEqual(['HAS_DEPENDENTS']);
    const deletedClass = expectData(await api.admin.exec(DeleteSchoolClassDocument, { input: { id: cls.id } }));
    expect(deletedClass.deleteSchoolClass).toEqual({ deletedSchoolClassId: cls.id, userErrors: [] });
    expect(expectData(await api.exec(SchoolClassDocument, { id: cls.id })).schoolClass).toBeNull();
    const renamed = expectData(await api.admin.exec(UpdateSchoolDocument, { input: { id: school.id, name: 'Neues Gymnasium', website: '' } }));
    expect(renamed.updateSchool.school).toMatchObject({ name: 'Neues Gymnasium', website: null });
    const deleted = expectData(await api.admin.exec(DeleteSchoolDocument, { input: { id: school.id } }));
    expect(deleted.deleteSchool).toEqual({ deletedSchoolId: school.id, userErrors: [] });
  });
});

describe('bad input', () => {
  const long = (n: number) => 'x'.repeat(n);

  it('refuses every bad school input with its code and changes nothing', async () => {
    const school = await createSchool(api, towns.Paris);
    const cases: [Partial<CreateSchoolInput>, string, string[]][] = [
      [{ name: '   ' }, 'REQUIRED', ['input', 'name']],
      [{ name: long(201) }, 'TOO_LONG', ['input', 'name']],
      [{ townId: 'bogus' }, 'INVALID_ID', ['input', 'townId']],
      [{ townId: school.id }, 'INVALID_ID', ['input', 'townId']],
      [{ townId: toGlobalId('Town', 987654) }, 'NOT_FOUND', ['input', 'townId']],
      [{ pupilCount: 0 }, 'INVALID_PUPIL_COUNT', ['input', 'pupilCount']],
      [{ pupilCount: -5 }, 'INVALID_PUPIL_COUNT', ['input', 'pupilCount']],
      [{ instructionLanguages: ['xx'] }, 'INVALID_LANGUAGE', ['input', 'instructionLanguages', '0']],
      [{ instructionLanguages: ['FR'] }, 'INVALID_LANGUAGE', ['input', 'instructionLanguages', '0']],
      [{ website: 'javascript:alert(1)' }, 'INVALID_URL', ['input', 'website']],
      [{ website: `https://example.org/${long(500)}` }, 'TOO_LONG', ['input', 'website']],
    ];
    const before = await snapshotDb(api.orm);
    for (const [override, code, field] of cases) {
      const res = expectData(
        await api.admin.exec(CreateSchoolDocument, { input: { townId: towns.Paris, name: 'École', kind: 'PRIMARY', ...override } }),
      );
      expect(res.createSchool.school).toBeNull();
      expect(res.createSchool.userErrors).toContainEqual(expect.objectContaining({ code, field }));
    }
    const update = expectData(await api.admin.exec(UpdateSchoolDocument, { input: { id: toGlobalId('School', 987654), name: 'X' } }));
    expect(update.updateSchool.userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    const del = expectData(await api.admin.exec(DeleteSchoolDocument, { input: { id: 'nope' } }));
    expect(del.deleteSchool.userErrors.map((e) => e.code)).toEqual(['INVALID_ID']);
    // A value outside the enum never reaches the resolver.
    expectErrorCode(
      await api.admin.exec(CreateSchoolDocument, { input: { townId: towns.Paris, name: 'X', kind: 'UNIVERSITY' as never } }),
      'BAD_USER_INPUT',
    );
    expect(await snapshotDb(api.orm)).toEqual(before);
  });

  it('refuses every bad class input with its code and changes nothing', async () => {
    const school = await createSchool(api, towns.Stockholm);
    const existing = await createClass(api, school.id);
    const cases: [Partial<CreateSchoolClassInput>, string, string[]][] = [
      [{ label: '' }, 'REQUIRED', ['input', 'label']],
      [{ label: long(101) }, 'TOO_LONG', ['input', 'label']],
      [{ description: long(2001) }, 'TOO_LONG', ['input', 'description']],
      [{ schoolId: toGlobalId('School', 987654) }, 'NOT_FOUND', ['input', 'schoolId']],
      [{ schoolId: towns.Paris }, 'INVALID_ID', ['input', 'schoolId']],
      [{ ageMin: 15, ageMax: 12 }, 'INVALID_AGE_RANGE', ['input', 'ageMax']],
      [{ ageMin: 2 }, 'INVALID_AGE_RANGE', ['input', 'ageMin']],
      [{ ageMax: 40 }, 'INVALID_AGE_RANGE', ['input', 'ageMax']],
      [{ pupilCount: 0 }, 'INVALID_PUPIL_COUNT', ['input', 'pupilCount']],
      [{ pupilCount: 501 }, 'INVALID_PUPIL_COUNT', ['input', 'pupilCount']],
      [{ languages: [] }, 'REQUIRED', ['input', 'languages']],
      [{ languages: [{ language: 'zz', role: 'INSTRUCTION' }] }, 'INVALID_LANGUAGE', ['input', 'languages', '0', 'language']],
      [{ languages: [{ language: 'de', role: 'LEARNING' }] }, 'INVALID_CEFR_LEVEL', ['input', 'languages', '0', 'level']],
      [{ languages: [{ language: 'sv', role: 'INSTRUCTION', level: 'B2' }] }, 'INVALID_CEFR_LEVEL', ['input', 'languages', '0', 'level']],
      [
        { languages: [{ language: 'sv', role: 'INSTRUCTION' }, { language: 'sv', role: 'INSTRUCTION' }] },
        'DUPLICATE',
        ['input', 'languages', '1'],
      ],
      [{ subjects: Array.from({ length: 21 }, (_, i) => `s${i}`) }, 'TOO_MANY', ['input', 'subjects']],
      [{ subjects: [long(51)] }, 'TOO_LONG', ['input', 'subjects', '0']],
      [{ availability: [{ startsOn: '2027-05-10', endsOn: '2027-05-01' }] }, 'INVALID_DATE_RANGE', ['input', 'availability', '0', 'endsOn']],
      [{ availability: [{ startsOn: '2027-01-01', endsOn: '2028-06-01' }] }, 'INVALID_DATE_RANGE', ['input', 'availability', '0', 'endsOn']],
      [{ listingExpiresAt: '2020-01-01T00:00:00Z' }, 'INVALID_DATE_RANGE', ['input', 'listingExpiresAt']],
    ];
    const before = await snapshotDb(api.orm);
    for (const [override, code, field] of cases) {
      const res = expectData(await api.admin.exec(CreateSchoolClassDocument, { input: classInput(school.id, override) }));
      expect(res.createSchoolClass.schoolClass).toBeNull();
      expect(res.createSchoolClass.userErrors).toContainEqual(expect.objectContaining({ code, field }));
    }
    // Updates check the combined result: ageMin above the stored ageMax.
    const update = expectData(await api.admin.exec(UpdateSchoolClassDocument, { input: { id: existing.id, ageMin: 20 } }));
    expect(update.updateSchoolClass.userErrors.map((e) => e.code)).toEqual(['INVALID_AGE_RANGE']);
    // Malformed scalars are refused before any resolver runs.
    expectErrorCode(
      await api.admin.exec(CreateSchoolClassDocument, {
        input: classInput(school.id, { availability: [{ startsOn: '2027-02-30', endsOn: '2027-03-01' }] }),
      }),
      'BAD_USER_INPUT',
    );
    expectErrorCode(
      await api.admin.exec(CreateSchoolClassDocument, {
        input: classInput(school.id, { languages: [{ language: 'fr', role: 'LEARNING', level: 'D1' as never }] }),
      }),
      'BAD_USER_INPUT',
    );
    const del = expectData(await api.admin.exec(DeleteSchoolClassDocument, { input: { id: toGlobalId('SchoolClass', 987654) } }));
    expect(del.deleteSchoolClass.userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    expect(await snapshotDb(api.orm)).toEqual(before);
  });

  it('keeps the database checks as a second line of defence', async () => {
    const conn = api.orm.em.getConnection();
    const school = await createSchool(api, towns.Malmö);
    const [{ id: schoolId }] = (await conn.execute(`select id from school order by id desc limit 1`)) as { id: number }[];
    void school;
    const bad = [
      `insert into school_class (school_id, label, age_min, age_max, pupil_count) values (${schoolId}, 'x', 15, 12, 20)`,
      `insert into school_class (school_id, label, age_min, age_max, pupil_count) values (${schoolId}, 'x', 12, 14, 0)`,
      `insert into school (town_id, name, kind) values (1, 'x', 'UNIVERSITY')`,
      `insert into town (geonames_id, name, search_name, country, population, latitude, longitude) values (1, 'x', 'x', 'se', 1, 0, 0)`,
    ];
    for (const sql of bad) await expect(conn.execute(sql)).rejects.toThrow();
  });
});

describe('no N+1', () => {
  it('loads 50 classes with school, town and languages in as many statements as 5', async () => {
    const townIds = [towns.Paris, towns.Lyon, towns.Munich, towns.Kraków, towns['Göteborg']];
    for (let s = 0; s < 10; s += 1) {
      const school = await createSchool(api, townIds[s % townIds.length]!, { name: `N+1 school ${s}` });
      for (let c = 0; c < 5; c += 1) await createClass(api, school.id, { label: `N${s}-${c}` });
    }
    const run = async (first: number) => {
      api.sql.reset();
      const data = expectData(await api.exec(SchoolClassesDocument, { first }));
      expect(data.schoolClasses.edges).toHaveLength(first);
      for (const edge of data.schoolClasses.edges) {
        expect(edge.node.school.town.name).toBeTruthy();
        expect(edge.node.languages.length).toBeGreaterThan(0);
      }
      return api.sql.count;
    };
    const five = await run(5);
    const fifty = await run(50);
    expect(fifty).toBe(five);
    // classes, totalCount, schools, towns, languages, availability
    expect(fifty).toBeLessThanOrEqual(6);
  });

  it('batches nested connections: schools with their classes', async () => {
    const run = async (first: number) => {
      api.sql.reset();
      const res = expectData(await api.exec(SchoolWithClassesDocument, { id: toGlobalId('School', 1), first }));
      expect(res.school).not.toBeNull();
      return api.sql.count;
    };
    expect(await run(1)).toBe(await run(50));
  });
});
