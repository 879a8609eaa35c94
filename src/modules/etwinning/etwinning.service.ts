import type { EntityManager } from '@mikro-orm/postgresql';
import { BadUserInputError } from '../../lib/errors';
import { isCountryCode, isLanguageCode } from '../../lib/codes';
import { requireAllowed, requireUser } from '../auth/policy';
import type { Viewer } from '../auth/viewer';
import { filterCountry, filterId } from '../common/filters';
import { fetchPage, SortDirection, type ListSql, type Ordering, type PageArgs } from '../common/pagination';
import { UserErrorCode, type Result } from '../common/user-error';
import { InputChecker } from '../common/validation';
import { SchoolClass } from '../school-class/school-class.entity';
import { School } from '../school/school.entity';
import { ETwinningParticipant, ETwinningProject, ETwinningQualityLabel, QualityLabelKind } from './etwinning.entity';
import type { CreateETwinningProjectInput, ETwinningProjectFilter } from './etwinning.inputs';
import { placeholders } from '../../lib/sql';

const PROJECT_ORDER: Ordering = { key: 'ID:DESC', column: { sql: 'e.id', type: 'number' }, direction: SortDirection.DESC };

export class ETwinningService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
  ) {}

  /** eTwinning links are public. */
  list(args: PageArgs, filter?: ETwinningProjectFilter | null) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter?.language != null) {
      if (!isLanguageCode(filter.language)) throw new BadUserInputError('filter.language is not an ISO 639-1 code.', { argument: 'filter.language' });
      where.push('? = any(e.languages)');
      params.push(filter.language);
    }
    if (filter?.subject != null) {
      where.push('? = any(e.subjects)');
      params.push(filter.subject.trim().toLowerCase());
    }
    if (filter?.statuses?.length) {
      where.push(`e.status in (${placeholders(filter.statuses)})`);
      params.push(...filter.statuses);
    }
    if (filter?.pupilAge != null) {
      where.push('(e.age_min is null or e.age_min <= ?) and (e.age_max is null or e.age_max >= ?)');
      params.push(filter.pupilAge, filter.pupilAge);
    }
    if (filter?.country != null) {
      where.push('exists (select 1 from etwinning_participant ep join school s on s.id = ep.school_id join town t on t.id = s.town_id where ep.project_id = e.id and t.country = ?)');
      params.push(filterCountry(filter.country, 'filter.country'));
    }
    if (filter?.schoolId != null) {
      where.push('exists (select 1 from etwinning_participant ep where ep.project_id = e.id and ep.school_id = ?)');
      params.push(filterId(filter.schoolId, 'School', 'filter.schoolId'));
    }
    if (filter?.qualityLabel != null) {
      where.push('exists (select 1 from etwinning_quality_label q where q.project_id = e.id and q.kind = ?)');
      params.push(filter.qualityLabel);
    }
    const list: ListSql = { entity: ETwinningProject, select: 'e.*', from: 'etwinning_project e', idColumn: 'e.id', where, params };
    return fetchPage<ETwinningProject>(this.em, list, PROJECT_ORDER, args);
  }

  /** Any user who coordinates or teaches at one of the participants (or an admin) may link a project. */
  async create(input: CreateETwinningProjectInput): Promise<Result<ETwinningProject>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const title = check.text(['title'], input.title, 300, true);
    const url = check.url(['url'], input.url, 500);
    if (url && !url.startsWith('https://')) check.add(['url'], UserErrorCode.INVALID_URL, 'url must use https.');
    if (!url && check.ok) check.add(['url'], UserErrorCode.REQUIRED, 'url must not be blank.');
    const projectNumber = check.text(['projectNumber'], input.projectNumber, 40, false);
    if (projectNumber && !/^\d+$/.test(projectNumber)) check.add(['projectNumber'], UserErrorCode.INVALID_PROJECT_NUMBER, 'projectNumber must be digits.');
    const description = check.text(['description'], input.description, 4000, false);
    const valid = (n: number | null | undefined) => n == null || (Number.isInteger(n) && n >= 3 && n <= 25);
    if (!valid(input.ageMin) || !valid(input.ageMax) || (input.ageMin != null && input.ageMax != null && input.ageMin > input.ageMax)) {
      check.add(['ageMax'], UserErrorCode.INVALID_AGE_RANGE, 'Ages must be 3–25 with ageMin ≤ ageMax.');
    }
    const subjects = check.tags(['subjects'], input.subjects, 20, 50);
    const languages = check.languages(['languages'], input.languages, 10);
    const thisYear = new Date().getUTCFullYear();
    input.qualityLabels.forEach((label, i) => {
      if (!Number.isInteger(label.year) || label.year < 2005 || label.year > thisYear) {
        check.add(['qualityLabels', i, 'year'], UserErrorCode.INVALID_YEAR, `year must be 2005–${thisYear}.`);
      }
      if (label.kind === QualityLabelKind.NATIONAL ? !label.country || !isCountryCode(label.country) : label.country != null) {
        check.add(['qualityLabels', i, 'country'], UserErrorCode.INVALID_COUNTRY, 'A national label needs its country; a European label has none.');
      }
    });
    if (input.participants.length === 0) check.add(['participants'], UserErrorCode.REQUIRED, 'At least one participating school.');
    if (input.participants.length > 50) check.add(['participants'], UserErrorCode.TOO_MANY, 'At most 50 participants.');
    const participants = input.participants.map((p, i) => ({
      schoolId: check.globalId(['participants', i, 'schoolId'], p.schoolId, 'School'),
      classId: p.classId != null ? check.globalId(['participants', i, 'classId'], p.classId, 'SchoolClass') : null,
    }));
    if (!check.ok) return { value: null, userErrors: check.errors };

    return this.em.transactional(async (em) => {
      const schoolIds = [...new Set(participants.map((p) => p.schoolId!))];
      const classIds = participants.flatMap((p) => (p.classId !== null ? [p.classId] : []));
      const [schools, classes] = await Promise.all([
        em.find(School, { id: { $in: schoolIds } }),
        classIds.length ? em.find(SchoolClass, { id: { $in: classIds } }) : Promise.resolve([]),
      ]);
      const mine = participants.some(
        (p) => this.viewer.canManageSchool(p.schoolId!) || (p.classId !== null && this.viewer.teaches(p.classId)),
      );
      requireAllowed(this.viewer, this.viewer.isAdmin || mine, 'link a project your school does not take part in');
      participants.forEach((p, i) => {
        if (!schools.some((s) => s.id === p.schoolId)) check.add(['participants', i, 'schoolId'], UserErrorCode.NOT_FOUND, 'No school has this id.');
        const cls = p.classId !== null ? classes.find((c) => c.id === p.classId) : undefined;
        if (p.classId !== null && (!cls || cls.schoolId !== p.schoolId)) {
          check.add(['participants', i, 'classId'], UserErrorCode.NOT_FOUND, 'No class of this school has this id.');
        }
      });
      if (projectNumber && (await em.count(ETwinningProject, { projectNumber }))) {
        check.add(['projectNumber'], UserErrorCode.DUPLICATE, 'A project with this number is already linked.');
      }
      if (!check.ok) return { value: null, userErrors: check.errors };
      const project = em.create(ETwinningProject, {
        projectNumber,
        title: title!,
        url: url!,
        description,
        ageMin: input.ageMin ?? null,
        ageMax: input.ageMax ?? null,
        subjects,
        languages,
        status: input.status,
        createdByUserId: this.viewer.userId,
      });
      await em.flush();
      const seen = new Set<string>();
      for (const p of participants) {
        const key = `${p.schoolId}:${p.classId ?? 0}`;
        if (seen.has(key)) continue;
        seen.add(key);
        em.create(ETwinningParticipant, { projectId: project.id, schoolId: p.schoolId!, classId: p.classId });
      }
      const labels = new Set<string>();
      for (const l of input.qualityLabels) {
        const key = `${l.kind}:${l.year}:${l.country ?? ''}`;
        if (labels.has(key)) continue;
        labels.add(key);
        em.create(ETwinningQualityLabel, { projectId: project.id, kind: l.kind, year: l.year, country: l.country ?? null });
      }
      await em.flush();
      return { value: project, userErrors: [] };
    });
  }
}
