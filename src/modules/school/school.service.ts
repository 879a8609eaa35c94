import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError } from '../../lib/errors';
import { isLanguageCode } from '../../lib/codes';
import { filterCountry, filterId } from '../common/filters';
import { fetchNestedPages, fetchPage, ordering, SortDirection, type ListSql, type PageArgs, type SortColumn } from '../common/pagination';
import { UserErrorCode, type Result } from '../common/user-error';
import { InputChecker } from '../common/validation';
import { requireAdmin, requireAllowed } from '../auth/policy';
import type { Viewer } from '../auth/viewer';
import { Town } from '../town/town.entity';
import { School } from './school.entity';
import { SchoolOrderField, type CreateSchoolInput, type SchoolFilter, type SchoolOrder, type UpdateSchoolInput } from './school.inputs';
import { placeholders } from '../../lib/sql';

const SCHOOL_COLUMNS: Record<SchoolOrderField, SortColumn> = {
  NAME: { sql: 's.name', type: 'string' },
  CREATED_AT: { sql: 's.created_at', type: 'string' },
};

export const MAX_SCHOOL_PUPILS = 20_000;

function schoolOrdering(order: SchoolOrder | null | undefined) {
  return order ? ordering(SCHOOL_COLUMNS, order.field, order.direction) : ordering(SCHOOL_COLUMNS, SchoolOrderField.NAME, SortDirection.ASC);
}

function schoolList(filter: SchoolFilter | null | undefined): ListSql {
  const where: string[] = [];
  const params: unknown[] = [];
  let from = 'school s';
  if (filter?.country != null) {
    from = 'school s join town t on t.id = s.town_id';
    where.push('t.country = ?');
    params.push(filterCountry(filter.country, 'filter.country'));
  }
  if (filter?.townId != null) {
    where.push('s.town_id = ?');
    params.push(filterId(filter.townId, 'Town', 'filter.townId'));
  }
  if (filter?.kinds && filter.kinds.length > 0) {
    where.push(`s.kind in (${placeholders(filter.kinds)})`);
    params.push(...filter.kinds);
  }
  if (filter?.instructionLanguage != null) {
    if (!isLanguageCode(filter.instructionLanguage)) {
      throw new BadUserInputError('filter.instructionLanguage is not an ISO 639-1 code.', { argument: 'filter.instructionLanguage' });
    }
    where.push('? = any(s.instruction_languages)');
    params.push(filter.instructionLanguage);
  }
  return { entity: School, select: 's.*', from, idColumn: 's.id', where, params };
}

export class SchoolService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
  ) {}

  list(args: PageArgs, filter?: SchoolFilter | null, order?: SchoolOrder | null) {
    return fetchPage<School>(this.em, schoolList(filter), schoolOrdering(order), args);
  }

  schoolsOfTowns(townIds: readonly number[], args: PageArgs, filter?: SchoolFilter | null, order?: SchoolOrder | null) {
    return fetchNestedPages<School>(this.em, schoolList(filter), 's.town_id', townIds, schoolOrdering(order), args);
  }

  /** Admins only: a new school is a new place of authority. */
  async create(input: CreateSchoolInput): Promise<Result<School>> {
    requireAdmin(this.viewer);
    const check = new InputChecker();
    const townId = check.globalId(['townId'], input.townId, 'Town');
    const name = check.text(['name'], input.name, 200, true);
    check.pupilCount(['pupilCount'], input.pupilCount, MAX_SCHOOL_PUPILS);
    const languages = check.languages(['instructionLanguages'], input.instructionLanguages, 10);
    const website = check.url(['website'], input.website, 500);
    const contactEmail = check.email(['contactEmail'], input.contactEmail);
    if (!check.ok || townId === null) return { value: null, userErrors: check.errors };
    return this.em.transactional(async (em) => {
      if (!(await em.count(Town, { id: townId }))) {
        check.add(['townId'], UserErrorCode.NOT_FOUND, 'No town has this id.');
        return { value: null, userErrors: check.errors };
      }
      const school = em.create(School, {
        townId,
        name: name!,
        kind: input.kind,
        pupilCount: input.pupilCount ?? null,
        instructionLanguages: languages,
        website,
        contactEmail,
      });
      await em.flush();
      return { value: school, userErrors: [] };
    });
  }

  /** Admins and the school's coordinators. */
  async update(input: UpdateSchoolInput): Promise<Result<School>> {
    const check = new InputChecker();
    const id = check.globalId(['id'], input.id, 'School');
    requireAllowed(this.viewer, id === null || this.viewer.canManageSchool(id), 'change this school');
    const name = input.name != null ? check.text(['name'], input.name, 200, true) : undefined;
    check.pupilCount(['pupilCount'], input.pupilCount, MAX_SCHOOL_PUPILS);
    const languages = input.instructionLanguages != null ? check.languages(['instructionLanguages'], input.instructionLanguages, 10) : undefined;
    const website = input.website != null ? check.url(['website'], input.website, 500) : undefined;
    const contactEmail = input.contactEmail != null ? check.email(['contactEmail'], input.contactEmail) : undefined;
    if (!check.ok || id === null) return { value: null, userErrors: check.errors };
    return this.em.transactional(async (em) => {
      const school = await em.findOne(School, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!school) {
        check.add(['id'], UserErrorCode.NOT_FOUND, 'No school has this id.');
        return { value: null, userErrors: check.errors };
      }
      if (name) school.name = name;
      if (input.kind != null) school.kind = input.kind;
      if (input.pupilCount != null) school.pupilCount = input.pupilCount;
      if (languages) school.instructionLanguages = languages;
      if (website !== undefined) school.website = website;
      if (contactEmail !== undefined) school.contactEmail = contactEmail;
      return { value: school, userErrors: [] };
    });
  }

  /** Admins only. */
  async delete(globalId: string): Promise<Result<number>> {
    requireAdmin(this.viewer);
    const check = new InputChecker();
    const id = check.globalId(['id'], globalId, 'School');
    if (id === null) return { value: null, userErrors: check.errors };
    return this.em.transactional(async (em) => {
      const school = await em.findOne(School, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!school) {
        check.add(['id'], UserErrorCode.NOT_FOUND, 'No school has this id.');
        return { value: null, userErrors: check.errors };
      }
      const [row] = await em
        .getConnection()
        .execute<{ n: number }[]>('select count(*)::int as n from school_class where school_id = ?', [id], 'all', em.getTransactionContext());
      if (Number(row!.n) > 0) {
        check.add(['id'], UserErrorCode.HAS_DEPENDENTS, `The school still has ${row!.n} class(es); delete or move them first.`);
        return { value: null, userErrors: check.errors };
      }
      em.remove(school);
      return { value: id, userErrors: [] };
    });
  }
}
