import { daysBetween } from '../../lib/dates';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError } from '../../lib/errors';
import { isLanguageCode } from '../../lib/codes';
import { filterCountry, filterId } from '../common/filters';
import type { CompiledNodes } from '../common/compiled-read';
import { fetchNestedPages, fetchPage, ordering, SortDirection, type ListSql, type PageArgs, type SortColumn } from '../common/pagination';
import { UserErrorCode, type Result } from '../common/user-error';
import { InputChecker } from '../common/validation';
import { requireAllowed, requireUser } from '../auth/policy';
import type { Viewer } from '../auth/viewer';
import { School } from '../school/school.entity';
import { AvailabilityWindow, ClassLanguage, LanguageRole, SchoolClass } from './school-class.entity';
import {
  SchoolClassOrderField,
  type AvailabilityInput,
  type ClassLanguageInput,
  type CreateSchoolClassInput,
  type SchoolClassFilter,
  type SchoolClassOrder,
  type UpdateSchoolClassInput,
} from './school-class.inputs';
import { idsParam, placeholders } from '../../lib/sql';

const CLASS_COLUMNS: Record<SchoolClassOrderField, SortColumn> = {
  CREATED_AT: { sql: 'c.created_at', type: 'string' },
  LABEL: { sql: 'c.label', type: 'string' },
  PUPIL_COUNT: { sql: 'c.pupil_count', type: 'number' },
};

export const MAX_CLASS_PUPILS = 500;
const MAX_LANGUAGES = 20;
const MAX_WINDOWS = 20;
const MAX_WINDOW_DAYS = 366;

function classOrdering(order: SchoolClassOrder | null | undefined) {
  return order
    ? ordering(CLASS_COLUMNS, order.field, order.direction)
    : ordering(CLASS_COLUMNS, SchoolClassOrderField.CREATED_AT, SortDirection.DESC);
}

function filterLanguage(value: string, argument: string): string {
  if (!isLanguageCode(value)) throw new BadUserInputError(`${argument}: "${value}" is not an ISO 639-1 language code.`, { argument });
  return value;
}

/**
 * The SQL of a class list: joins only what the filter needs, and never
 * lists (or counts) a class the viewer may not see.
 */
function classList(filter: SchoolClassFilter | null | undefined, viewer: Viewer, onlyIds?: ReadonlySet<number>): ListSql {
  const params: unknown[] = [];
  const visibility = viewer.classVisibilitySql('c', params);
  const where: string[] = visibility ? [visibility] : [];
  if (onlyIds) where.push(idsParam('c.id', onlyIds, params));
  let from = 'school_class c';
  if (filter?.country != null || filter?.townId != null) {
    from = 'school_class c join school s on s.id = c.school_id join town t on t.id = s.town_id';
  }
  if (filter?.country != null) {
    where.push('t.country = ?');
    params.push(filterCountry(filter.country, 'filter.country'));
  }
  if (filter?.townId != null) {
    where.push('t.id = ?');
    params.push(filterId(filter.townId, 'Town', 'filter.townId'));
  }
  if (filter?.schoolId != null) {
    where.push('c.school_id = ?');
    params.push(filterId(filter.schoolId, 'School', 'filter.schoolId'));
  }
  if (filter?.offersLanguage != null) {
    where.push(`exists (select 1 from class_language o where o.class_id = c.id and o.role = 'INSTRUCTION' and o.language = ?)`);
    params.push(filterLanguage(filter.offersLanguage, 'filter.offersLanguage'));
  }
  if (filter?.learnsLanguage != null || (filter?.levels && filter.levels.length > 0)) {
    const conds = [`l.class_id = c.id`, `l.role = 'LEARNING'`];
    if (filter.learnsLanguage != null) {
      conds.push('l.language = ?');
      params.push(filterLanguage(filter.learnsLanguage, 'filter.learnsLanguage'));
    }
    if (filter.levels && filter.levels.length > 0) {
      conds.push(`l.level in (${placeholders(filter.levels)})`);
      params.push(...filter.levels);
    }
    where.push(`exists (select 1 from class_language l where ${conds.join(' and ')})`);
  }
  if (filter?.pupilAge != null) {
    if (filter.pupilAge < 0 || filter.pupilAge > 120) {
      throw new BadUserInputError('filter.pupilAge must be between 0 and 120.', { argument: 'filter.pupilAge' });
    }
    where.push('c.age_min <= ? and c.age_max >= ?');
    params.push(filter.pupilAge, filter.pupilAge);
  }
  if (filter?.lookingForPartners != null) {
    const listed = '(c.looking_for_partners and (c.listing_expires_at is null or c.listing_expires_at > now()))';
    where.push(filter.lookingForPartners ? listed : `not ${listed}`);
  }
  if (filter?.themes && filter.themes.length > 0) {
    // Passed as one array literal: the driver would expand a JS array into a list.
    where.push('c.themes && ?::text[]');
    params.push(`{${filter.themes.join(',')}}`);
  }
  return { entity: SchoolClass, select: 'c.*', from, idColumn: 'c.id', where, params };
}


/** Checks the parts shared by create and update; returns the clean values. */
function checkLanguages(check: InputChecker, languages: ClassLanguageInput[]) {
  if (languages.length === 0) check.add(['languages'], UserErrorCode.REQUIRED, 'A class needs at least one language.');
  if (languages.length > MAX_LANGUAGES) check.add(['languages'], UserErrorCode.TOO_MANY, `At most ${MAX_LANGUAGES} languages.`);
  const seen = new Set<string>();
  const clean: { language: string; role: LanguageRole; level: string | null }[] = [];
  languages.forEach((entry, i) => {
    const language = check.language(['languages', i, 'language'], entry.language);
    if (entry.role === LanguageRole.LEARNING && entry.level == null) {
      check.add(['languages', i, 'level'], UserErrorCode.INVALID_CEFR_LEVEL, 'A learned language needs a CEFR level (A1–C2).');
    }
    if (entry.role === LanguageRole.INSTRUCTION && entry.level != null) {
      check.add(['languages', i, 'level'], UserErrorCode.INVALID_CEFR_LEVEL, 'A language of instruction has no CEFR level.');
    }
    if (!language) return;
    const key = `${language}:${entry.role}`;
    if (seen.has(key)) {
      check.add(['languages', i], UserErrorCode.DUPLICATE, `${language} is listed twice as ${entry.role}.`);
      return;
    }
    seen.add(key);
    clean.push({ language, role: entry.role, level: entry.role === LanguageRole.LEARNING ? (entry.level ?? null) : null });
  });
  return clean;
}

function checkAvailability(check: InputChecker, windows: AvailabilityInput[]) {
  if (windows.length > MAX_WINDOWS) check.add(['availability'], UserErrorCode.TOO_MANY, `At most ${MAX_WINDOWS} periods.`);
  windows.forEach((w, i) => {
    const ok = check.date(['availability', i, 'startsOn'], w.startsOn) && check.date(['availability', i, 'endsOn'], w.endsOn);
    if (!ok) return;
    if (w.endsOn < w.startsOn) {
      check.add(['availability', i, 'endsOn'], UserErrorCode.INVALID_DATE_RANGE, 'endsOn must be on or after startsOn.');
    } else if (daysBetween(w.startsOn, w.endsOn) > MAX_WINDOW_DAYS) {
      check.add(['availability', i, 'endsOn'], UserErrorCode.INVALID_DATE_RANGE, `A period may span at most ${MAX_WINDOW_DAYS} days.`);
    }
  });
  return windows;
}

function checkAges(check: InputChecker, ageMin: number, ageMax: number) {
  const valid = (n: number) => Number.isInteger(n) && n >= 3 && n <= 25;
  if (!valid(ageMin)) check.add(['ageMin'], UserErrorCode.INVALID_AGE_RANGE, 'ageMin must be a whole number from 3 to 25.');
  if (!valid(ageMax)) check.add(['ageMax'], UserErrorCode.INVALID_AGE_RANGE, 'ageMax must be a whole number from 3 to 25.');
  if (valid(ageMin) && valid(ageMax) && ageMin > ageMax) {
    check.add(['ageMax'], UserErrorCode.INVALID_AGE_RANGE, 'ageMax must be at least ageMin.');
  }
}

function checkExpiry(check: InputChecker, value: Date | null | undefined) {
  if (value != null && value.getTime() <= Date.now()) {
    check.add(['listingExpiresAt'], UserErrorCode.INVALID_DATE_RANGE, 'listingExpiresAt must be in the future.');
  }
}

export class SchoolClassService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
  ) {}

  /**
   * `onlyIds`: restrict to these classes (the viewer's own, for
   * `viewer.classes`). `node`: the nodes compiled to JSON on the alias `c`
   * (compileNodes) instead of entities.
   */
  list(args: PageArgs, filter?: SchoolClassFilter | null, order?: SchoolClassOrder | null, onlyIds?: ReadonlySet<number>, node?: CompiledNodes) {
    return fetchPage<SchoolClass>(this.em, classList(filter, this.viewer, onlyIds), classOrdering(order), args, node);
  }

  classesOfSchools(schoolIds: readonly number[], args: PageArgs, filter?: SchoolClassFilter | null, order?: SchoolClassOrder | null) {
    return fetchNestedPages<SchoolClass>(this.em, classList(filter, this.viewer), 'c.school_id', schoolIds, classOrdering(order), args);
  }

  /** A class by id, or null when there is none or the viewer may not see it. */
  async byId(id: number, load: (id: number) => Promise<SchoolClass | null>): Promise<SchoolClass | null> {
    const schoolClass = await load(id);
    return schoolClass && this.viewer.canSeeClass(schoolClass) ? schoolClass : null;
  }

  /** Admins and the school's coordinators. */
  async create(input: CreateSchoolClassInput): Promise<Result<SchoolClass>> {
    const check = new InputChecker();
    const schoolId = check.globalId(['schoolId'], input.schoolId, 'School');
    // A malformed id is a userError for anyone signed in; a well-formed one needs the right.
    requireAllowed(this.viewer, schoolId === null || this.viewer.canManageSchool(schoolId), 'add classes to this school');
    const label = check.text(['label'], input.label, 100, true);
    const grade = check.text(['grade'], input.grade, 30, false);
    const description = check.text(['description'], input.description, 2000, false);
    const internalNotes = check.text(['internalNotes'], input.internalNotes, 2000, false);
    checkAges(check, input.ageMin, input.ageMax);
    check.pupilCount(['pupilCount'], input.pupilCount, MAX_CLASS_PUPILS);
    const languages = checkLanguages(check, input.languages);
    const subjects = check.tags(['subjects'], input.subjects, 20, 50);
    const windows = checkAvailability(check, input.availability);
    checkExpiry(check, input.listingExpiresAt);
    if (input.pairingModes && input.pairingModes.length === 0) check.add(['pairingModes'], UserErrorCode.REQUIRED, 'At least one pairing mode.');
    if (!check.ok || schoolId === null) return { value: null, userErrors: check.errors };

    return this.em.transactional(async (em) => {
      if (!(await em.count(School, { id: schoolId }))) {
        check.add(['schoolId'], UserErrorCode.NOT_FOUND, 'No school has this id.');
        return { value: null, userErrors: check.errors };
      }
      const schoolClass = em.create(SchoolClass, {
        schoolId,
        label: label!,
        grade,
        ageMin: input.ageMin,
        ageMax: input.ageMax,
        pupilCount: input.pupilCount,
        subjects,
        themes: [...new Set(input.themes)],
        description,
        internalNotes,
        ...(input.pairingModes ? { pairingModes: [...new Set(input.pairingModes)] } : {}),
        lookingForPartners: input.lookingForPartners,
        listingExpiresAt: input.listingExpiresAt ?? null,
      });
      await em.flush();
      this.replaceChildren(em, schoolClass.id, languages, windows);
      await em.flush();
      return { value: schoolClass, userErrors: [] };
    });
  }

  /** Admins, coordinators of the class's school, and its teachers. */
  async update(input: UpdateSchoolClassInput): Promise<Result<SchoolClass>> {
    const check = new InputChecker();
    const id = check.globalId(['id'], input.id, 'SchoolClass');
    requireUser(this.viewer);
    const label = input.label != null ? check.text(['label'], input.label, 100, true) : undefined;
    const grade = input.grade != null ? check.text(['grade'], input.grade, 30, false) : undefined;
    const description = input.description != null ? check.text(['description'], input.description, 2000, false) : undefined;
    const internalNotes = input.internalNotes != null ? check.text(['internalNotes'], input.internalNotes, 2000, false) : undefined;
    check.pupilCount(['pupilCount'], input.pupilCount, MAX_CLASS_PUPILS);
    const languages = input.languages != null ? checkLanguages(check, input.languages) : undefined;
    const subjects = input.subjects != null ? check.tags(['subjects'], input.subjects, 20, 50) : undefined;
    const windows = input.availability != null ? checkAvailability(check, input.availability) : undefined;
    checkExpiry(check, input.listingExpiresAt);
    if (input.pairingModes && input.pairingModes.length === 0) check.add(['pairingModes'], UserErrorCode.REQUIRED, 'At least one pairing mode.');
    if (!check.ok || id === null) return { value: null, userErrors: check.errors };

    return this.em.transactional(async (em) => {
      const schoolClass = await em.findOne(SchoolClass, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      // Only admins learn that an id does not exist; others get FORBIDDEN either way.
      requireAllowed(this.viewer, this.viewer.isAdmin || (schoolClass !== null && this.viewer.canEditClass(schoolClass)), 'change this class');
      if (!schoolClass) {
        check.add(['id'], UserErrorCode.NOT_FOUND, 'No class has this id.');
        return { value: null, userErrors: check.errors };
      }
      // Ages are checked against the stored values when only one side changes.
      checkAges(check, input.ageMin ?? schoolClass.ageMin, input.ageMax ?? schoolClass.ageMax);
      if (!check.ok) return { value: null, userErrors: check.errors };
      if (label) schoolClass.label = label;
      if (grade !== undefined) schoolClass.grade = grade;
      if (description !== undefined) schoolClass.description = description;
      if (internalNotes !== undefined) schoolClass.internalNotes = internalNotes;
      if (input.ageMin != null) schoolClass.ageMin = input.ageMin;
      if (input.ageMax != null) schoolClass.ageMax = input.ageMax;
      if (input.pupilCount != null) schoolClass.pupilCount = input.pupilCount;
      if (subjects) schoolClass.subjects = subjects;
      if (input.themes != null) schoolClass.themes = [...new Set(input.themes)];
      if (input.lookingForPartners != null) schoolClass.lookingForPartners = input.lookingForPartners;
      if (input.pairingModes != null) schoolClass.pairingModes = [...new Set(input.pairingModes)];
      if (input.listingExpiresAt !== undefined) schoolClass.listingExpiresAt = input.listingExpiresAt;
      if (languages) await em.nativeDelete(ClassLanguage, { classId: id });
      if (windows) await em.nativeDelete(AvailabilityWindow, { classId: id });
      this.replaceChildren(em, id, languages, windows);
      schoolClass.updatedAt = new Date();
      return { value: schoolClass, userErrors: [] };
    });
  }

  /** Admins and coordinators of the class's school. */
  async delete(globalId: string): Promise<Result<number>> {
    const check = new InputChecker();
    const id = check.globalId(['id'], globalId, 'SchoolClass');
    requireUser(this.viewer);
    if (id === null) return { value: null, userErrors: check.errors };
    return this.em.transactional(async (em) => {
      const schoolClass = await em.findOne(SchoolClass, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      requireAllowed(this.viewer, this.viewer.isAdmin || (schoolClass !== null && this.viewer.canManageSchool(schoolClass.schoolId)), 'delete this class');
      if (!schoolClass) {
        check.add(['id'], UserErrorCode.NOT_FOUND, 'No class has this id.');
        return { value: null, userErrors: check.errors };
      }
      const [refs] = await em.getConnection().execute<{ n: number }[]>(
        `select (select count(*) from exchange_class where class_id = ?) + (select count(*) from visit_guest_class where class_id = ?)
              + (select count(*) from participant where class_id = ?) as n`,
        [id, id, id], 'all', em.getTransactionContext(),
      );
      if (Number(refs!.n) > 0) {
        check.add(['id'], UserErrorCode.HAS_DEPENDENTS, 'The class takes part in exchanges; they keep it on record.');
        return { value: null, userErrors: check.errors };
      }
      await em.nativeDelete(SchoolClass, { id });
      return { value: id, userErrors: [] };
    });
  }

  private replaceChildren(
    em: EntityManager,
    classId: number,
    languages: ReturnType<typeof checkLanguages> | undefined,
    windows: AvailabilityInput[] | undefined,
  ) {
    for (const l of languages ?? []) em.create(ClassLanguage, { classId, language: l.language, role: l.role, level: l.level as never });
    for (const w of windows ?? []) em.create(AvailabilityWindow, { classId, startsOn: w.startsOn, endsOn: w.endsOn });
  }
}
