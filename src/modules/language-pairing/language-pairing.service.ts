import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { filterId } from '../common/filters';
import { fetchNestedPages, fetchPage, SortDirection, type ListSql, type Ordering, type PageArgs } from '../common/pagination';
import { UserErrorCode, type Result } from '../common/user-error';
import { InputChecker } from '../common/validation';
import { requireAllowed, requireUser } from '../auth/policy';
import type { Viewer } from '../auth/viewer';
import { ClassLanguage, LanguageRole, SchoolClass } from '../school-class/school-class.entity';
import { ETwinningProject } from '../etwinning/etwinning.entity';
import { LanguagePairing, PairingStatus } from './language-pairing.entity';
import type { LanguagePairingFilter, ProposePairingInput, RespondToPairingInput, TransitionPairingInput } from './language-pairing.inputs';
import { idsInSql, idsParam, placeholders } from '../../lib/sql';

const PAIRING_ORDER: Ordering = { key: 'ID:DESC', column: { sql: 'p.id', type: 'number' }, direction: SortDirection.DESC };

/** Transitions after the answer, and who may make them. */
const NEXT: Record<PairingStatus, PairingStatus[]> = {
  [PairingStatus.PROPOSED]: [PairingStatus.DECLINED],
  [PairingStatus.ACCEPTED]: [PairingStatus.ACTIVE, PairingStatus.ENDED],
  [PairingStatus.ACTIVE]: [PairingStatus.ENDED],
  [PairingStatus.ENDED]: [],
  [PairingStatus.DECLINED]: [],
};

/**
 * Pairings are private to the people of the two classes (and admins): the
 * rule as SQL on a pairing alias, the viewer's ids bound as parameters
 * pushed onto `params`; null: no restriction.
 */
export function pairingVisibilitySql(viewer: Viewer, alias: string, params: unknown[]): string | null {
  if (viewer.isAdmin) return null;
  const parts: string[] = [];
  if (viewer.coordinatorOf.size) parts.push(idsParam('vc.school_id', viewer.coordinatorOf, params));
  if (viewer.teacherOf.size) parts.push(idsParam('vc.id', viewer.teacherOf, params));
  if (!parts.length) return 'false';
  return `exists (select 1 from school_class vc where vc.id in (${alias}.class_a_id, ${alias}.class_b_id) and (${parts.join(' or ')}))`;
}

export type LanguagesOf = { offers: Set<string>; learns: Map<string, string> };

/** What a class offers (languages of instruction) and learns (with levels). */
export function languagesOf(rows: ClassLanguage[]): LanguagesOf {
  const offers = new Set<string>();
  const learns = new Map<string, string>();
  for (const r of rows) {
    if (r.role === LanguageRole.INSTRUCTION) offers.add(r.language);
    else learns.set(r.language, r.level ?? 'A1');
  }
  return { offers, learns };
}

export class LanguagePairingService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
  ) {}

  canSee(pairing: LanguagePairing, classA: SchoolClass | null, classB: SchoolClass | null): boolean {
    return this.viewer.isAdmin || [classA, classB].some((c) => c !== null && this.viewer.canEditClass(c));
  }

  private listSql(filter: LanguagePairingFilter | null | undefined, extra: string[] = []): ListSql {
    const params: unknown[] = [];
    const visibility = pairingVisibilitySql(this.viewer, 'p', params);
    const where = visibility ? [visibility, ...extra] : [...extra];
    if (filter?.classId != null) {
      const id = filterId(filter.classId, 'SchoolClass', 'filter.classId');
      where.push('(p.class_a_id = ? or p.class_b_id = ?)');
      params.push(id, id);
    }
    if (filter?.statuses?.length) {
      where.push(`p.status in (${placeholders(filter.statuses)})`);
      params.push(...filter.statuses);
    }
    return { entity: LanguagePairing, select: 'p.*', from: 'language_pairing p', idColumn: 'p.id', where, params };
  }

  list(args: PageArgs, filter?: LanguagePairingFilter | null) {
    requireUser(this.viewer);
    return fetchPage<LanguagePairing>(this.em, this.listSql(filter), PAIRING_ORDER, args);
  }

  /** Pairings of many classes at once (SchoolClass.pairings), either side. */
  pairingsOfClasses(classIds: readonly number[], args: PageArgs, filter?: LanguagePairingFilter | null) {
    // The condition on both columns lets PostgreSQL use their indexes; the
    // lateral join then gives each pairing once per side it is asked for.
    const list = this.listSql(filter, [`(${idsInSql('p.class_a_id', classIds)} or ${idsInSql('p.class_b_id', classIds)})`]);
    list.from = `language_pairing p join lateral (values (p.class_a_id), (p.class_b_id)) side(class_id) on true`;
    return fetchNestedPages<LanguagePairing>(this.em, list, 'side.class_id', classIds, PAIRING_ORDER, args);
  }

  /**
   * Class A proposes to class B. Reciprocity is checked against what the
   * classes offer and learn; a one-way pairing needs allowOneWay.
   */
  async propose(input: ProposePairingInput): Promise<Result<LanguagePairing>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const aId = check.globalId(['classId'], input.classId, 'SchoolClass');
    const bId = check.globalId(['partnerClassId'], input.partnerClassId, 'SchoolClass');
    const languageA = check.language(['languageA'], input.languageA);
    const languageB = input.languageB != null ? check.language(['languageB'], input.languageB) : null;
    const message = check.text(['message'], input.message, 2000, false);
    const projectId = input.eTwinningProjectId != null ? check.globalId(['eTwinningProjectId'], input.eTwinningProjectId, 'ETwinningProject') : null;
    if (aId !== null && aId === bId) check.add(['partnerClassId'], UserErrorCode.SAME_CLASS, 'A class cannot be paired with itself.');
    if (!check.ok || aId === null || bId === null || languageA === null) {
      return { value: null, userErrors: check.errors };
    }
    return this.em.transactional(async (em) => {
      const [a, b] = await Promise.all([em.findOne(SchoolClass, { id: aId }), em.findOne(SchoolClass, { id: bId })]);
      requireAllowed(this.viewer, a !== null && this.viewer.canEditClass(a), 'propose pairings for this class');
      if (!b || !this.viewer.canSeeClass(b)) {
        check.add(['partnerClassId'], UserErrorCode.NOT_FOUND, 'No class has this id.');
        return { value: null, userErrors: check.errors };
      }
      if (!b.lookingForPartners || (b.listingExpiresAt && b.listingExpiresAt.getTime() <= Date.now())) {
        check.add(['partnerClassId'], UserErrorCode.PARTNER_NOT_AVAILABLE, 'This class is not looking for partners.');
      }
      if (a!.schoolId === b.schoolId) check.add(['partnerClassId'], UserErrorCode.SAME_SCHOOL, 'Pair with a class of another school.');
      if (!a!.pairingModes.includes(input.mode) || !b.pairingModes.includes(input.mode)) {
        check.add(['mode'], UserErrorCode.MODE_NOT_ACCEPTED, `Both classes must be open to ${input.mode}.`);
      }
      const rows = await em.find(ClassLanguage, { classId: { $in: [aId, bId] } });
      const langA = languagesOf(rows.filter((r) => r.classId === aId));
      const langB = languagesOf(rows.filter((r) => r.classId === bId));
      if (!langA.offers.has(languageA)) check.add(['languageA'], UserErrorCode.CLASS_A_DOES_NOT_OFFER, `Your class is not taught in ${languageA}.`);
      if (!langB.learns.has(languageA)) check.add(['languageA'], UserErrorCode.CLASS_B_DOES_NOT_LEARN, `The partner class does not learn ${languageA}.`);
      if (languageB !== null) {
        if (!langB.offers.has(languageB)) check.add(['languageB'], UserErrorCode.CLASS_B_DOES_NOT_OFFER, `The partner class is not taught in ${languageB}.`);
        if (!langA.learns.has(languageB)) check.add(['languageB'], UserErrorCode.CLASS_A_DOES_NOT_LEARN, `Your class does not learn ${languageB}.`);
      } else if (!input.allowOneWay) {
        check.add(['languageB'], UserErrorCode.ONE_WAY_NOT_ALLOWED, 'Give languageB for a reciprocal tandem, or set allowOneWay for a one-way pairing.');
      }
      if (projectId !== null && !(await em.count(ETwinningProject, { id: projectId }))) {
        check.add(['eTwinningProjectId'], UserErrorCode.NOT_FOUND, 'No eTwinning project has this id.');
      }
      if (!check.ok) return { value: null, userErrors: check.errors };
      // The partial unique index decides races between identical proposals.
      const inserted = await em.getConnection().execute<{ id: number }[]>(
        `insert into language_pairing (class_a_id, class_b_id, language_a, language_b, mode, unbalanced, message, proposed_by_user_id, etwinning_project_id)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing returning id`,
        [aId, bId, languageA, languageB, input.mode, languageB === null, message, this.viewer.userId, projectId],
        'all',
        em.getTransactionContext(),
      );
      if (inserted.length === 0) {
        check.add(['partnerClassId'], UserErrorCode.DUPLICATE, 'These classes already have an open pairing in these languages.');
        return { value: null, userErrors: check.errors };
      }
      return { value: await em.findOneOrFail(LanguagePairing, { id: inserted[0]!.id }), userErrors: [] };
    });
  }

  /** Class B accepts or declines a proposal. */
  async respond(input: RespondToPairingInput): Promise<Result<LanguagePairing>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const id = check.globalId(['id'], input.id, 'LanguagePairing');
    const message = check.text(['message'], input.message, 2000, false);
    if (!check.ok || id === null) return { value: null, userErrors: check.errors };
    return this.em.transactional(async (em) => {
      const pairing = await em.findOne(LanguagePairing, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const b = pairing ? await em.findOne(SchoolClass, { id: pairing.classBId }) : null;
      requireAllowed(this.viewer, b !== null && this.viewer.canEditClass(b), 'answer this proposal');
      if (pairing!.status !== PairingStatus.PROPOSED) {
        check.add(['id'], UserErrorCode.INVALID_TRANSITION, `The pairing is ${pairing!.status}, not PROPOSED.`);
        return { value: null, userErrors: check.errors };
      }
      pairing!.status = input.accept ? PairingStatus.ACCEPTED : PairingStatus.DECLINED;
      pairing!.responseMessage = message;
      pairing!.respondedAt = new Date();
      return { value: pairing, userErrors: [] };
    });
  }

  /** Start (ACTIVE), end (ENDED), or — class A only — withdraw a proposal (DECLINED). */
  async transition(input: TransitionPairingInput): Promise<Result<LanguagePairing>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const id = check.globalId(['id'], input.id, 'LanguagePairing');
    if (id === null) return { value: null, userErrors: check.errors };
    return this.em.transactional(async (em) => {
      const pairing = await em.findOne(LanguagePairing, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const classes = pairing ? await em.find(SchoolClass, { id: { $in: [pairing.classAId, pairing.classBId] } }) : [];
      const a = classes.find((c) => c.id === pairing?.classAId) ?? null;
      const b = classes.find((c) => c.id === pairing?.classBId) ?? null;
      const withdraw = input.to === PairingStatus.DECLINED;
      const allowed = withdraw ? a !== null && this.viewer.canEditClass(a) : this.canSee(pairing!, a, b);
      requireAllowed(this.viewer, pairing !== null && allowed, 'change this pairing');
      if (!NEXT[pairing!.status].includes(input.to)) {
        check.add(['to'], UserErrorCode.INVALID_TRANSITION, `A ${pairing!.status} pairing cannot become ${input.to}.`);
        return { value: null, userErrors: check.errors };
      }
      pairing!.status = input.to;
      return { value: pairing, userErrors: [] };
    });
  }
}
