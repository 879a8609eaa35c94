import type { EntityManager } from '@mikro-orm/postgresql';
import { ForbiddenError } from '../../lib/errors';
import { filterId } from '../common/filters';
import { fetchPage, SortDirection, type ListSql, type Ordering, type PageArgs } from '../common/pagination';
import { UserErrorCode, type Result } from '../common/user-error';
import { InputChecker } from '../common/validation';
import { SchoolClass } from '../school-class/school-class.entity';
import { School } from '../school/school.entity';
import { ApiClient, ApiToken, AuditEntry, User } from './auth.entity';
import { Role, type AuditEntryFilter, type CreateApiTokenInput, type CreateUserInput, type RevokeApiTokenInput, type RoleInput, type RoleAssignment } from './auth.inputs';
import { requireAdmin, requireAllowed, requireUser } from './policy';
import { generateToken, hashToken } from './tokens';
import { Scope, type Viewer } from './viewer';

/** Creates a token row and returns the plain token, which exists only in this return value. */
export async function issueToken(
  em: EntityManager,
  owner: { userId: number } | { clientId: number },
  label: string | null,
  expiresAt: Date | null,
): Promise<{ token: string; apiToken: ApiToken }> {
  const token = generateToken();
  const apiToken = em.create(ApiToken, {
    tokenHash: hashToken(token),
    label,
    userId: 'userId' in owner ? owner.userId : null,
    clientId: 'clientId' in owner ? owner.clientId : null,
    expiresAt,
  });
  await em.flush();
  return { token, apiToken };
}

/** Finds or creates an API client; scopes are set only when it is created. */
export async function ensureClient(em: EntityManager, name: string, scopes: string[]): Promise<ApiClient> {
  const existing = await em.findOne(ApiClient, { name });
  if (existing) return existing;
  const client = em.create(ApiClient, { name, scopes });
  await em.flush();
  return client;
}

const AUDIT_ORDER: Ordering = { key: 'ID:DESC', column: { sql: 'a.id', type: 'number' }, direction: SortDirection.DESC };

export class AuthService {
  constructor(
    private readonly em: EntityManager,
    private readonly viewer: Viewer,
  ) {}

  /** Roles of a user, admin first; readable by admins and the user. */
  async rolesOf(userId: number): Promise<RoleAssignment[]> {
    requireAllowed(this.viewer, this.viewer.isAdmin || this.viewer.userId === userId, "see this user's roles");
    const conn = this.em.getConnection();
    const rows = await conn.execute<{ role: Role; school_id: number | null; class_id: number | null }[]>(
      `select 'ADMIN' as role, null::int as school_id, null::int as class_id from app_user where id = ? and is_admin
       union all select 'COORDINATOR', school_id, null from school_coordinator where user_id = ?
       union all select 'TEACHER', null, class_id from class_teacher where user_id = ?
       order by 1, 2, 3`,
      [userId, userId, userId],
    );
    return rows.map((r) => ({ role: r.role, schoolId: r.school_id, classId: r.class_id }));
  }

  async createUser(input: CreateUserInput): Promise<Result<User>> {
    requireAdmin(this.viewer);
    const check = new InputChecker();
    const name = check.text(['name'], input.name, 200, true);
    const email = check.email(['email'], input.email);
    if (!email && check.ok) check.add(['email'], UserErrorCode.REQUIRED, 'email must not be blank.');
    if (!check.ok) return { value: null, userErrors: check.errors };
    return this.em.transactional(async (em) => {
      const [taken] = await em
        .getConnection()
        .execute<{ n: number }[]>('select count(*)::int as n from app_user where lower(email) = lower(?)', [email], 'all', em.getTransactionContext());
      if (Number(taken!.n) > 0) {
        check.add(['email'], UserErrorCode.DUPLICATE, 'A user with this e-mail already exists.');
        return { value: null, userErrors: check.errors };
      }
      const user = em.create(User, { name: name!, email: email!, isAdmin: input.isAdmin });
      await em.flush();
      return { value: user, userErrors: [] };
    });
  }

  /**
   * Admins grant any role; coordinators may make someone TEACHER of a class
   * of their own school.
   */
  async changeRole(input: RoleInput, grant: boolean): Promise<Result<User>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const userId = check.globalId(['userId'], input.userId, 'User');
    const schoolId = input.role === Role.COORDINATOR ? this.requiredRef(check, ['schoolId'], input.schoolId, 'School') : null;
    const classId = input.role === Role.TEACHER ? this.requiredRef(check, ['classId'], input.classId, 'SchoolClass') : null;
    if (!check.ok || userId === null) {
      if (!this.viewer.isAdmin && this.viewer.coordinatorOf.size === 0) throw new ForbiddenError('You may not change roles.');
      return { value: null, userErrors: check.errors };
    }
    return this.em.transactional(async (em) => {
      const schoolClass = classId !== null ? await em.findOne(SchoolClass, { id: classId }) : null;
      const allowed =
        this.viewer.isAdmin || (input.role === Role.TEACHER && schoolClass !== null && this.viewer.coordinates(schoolClass.schoolId));
      requireAllowed(this.viewer, allowed, 'change this role');
      const user = await em.findOne(User, { id: userId });
      if (!user) check.add(['userId'], UserErrorCode.NOT_FOUND, 'No user has this id.');
      if (schoolId !== null && !(await em.count(School, { id: schoolId }))) check.add(['schoolId'], UserErrorCode.NOT_FOUND, 'No school has this id.');
      if (classId !== null && !schoolClass) check.add(['classId'], UserErrorCode.NOT_FOUND, 'No class has this id.');
      if (!check.ok || !user) return { value: null, userErrors: check.errors };
      const conn = em.getConnection();
      const ctx = em.getTransactionContext();
      if (input.role === Role.ADMIN) {
        user.isAdmin = grant;
      } else if (input.role === Role.COORDINATOR) {
        await conn.execute(
          grant
            ? 'insert into school_coordinator (user_id, school_id) values (?, ?) on conflict do nothing'
            : 'delete from school_coordinator where user_id = ? and school_id = ?',
          [userId, schoolId],
          'run',
          ctx,
        );
      } else {
        await conn.execute(
          grant
            ? 'insert into class_teacher (user_id, class_id) values (?, ?) on conflict do nothing'
            : 'delete from class_teacher where user_id = ? and class_id = ?',
          [userId, classId],
          'run',
          ctx,
        );
      }
      return { value: user, userErrors: [] };
    });
  }

  async createApiToken(input: CreateApiTokenInput): Promise<Result<{ token: string; apiToken: ApiToken }>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const label = check.text(['label'], input.label, 100, false);
    const clientName = check.text(['clientName'], input.clientName, 100, false);
    const userId = input.userId != null ? check.globalId(['userId'], input.userId, 'User') : this.viewer.userId!;
    if (input.userId != null && clientName) check.add(['clientName'], UserErrorCode.INVALID_VALUE, 'Give either userId or clientName, not both.');
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      check.add(['expiresAt'], UserErrorCode.INVALID_DATE_RANGE, 'expiresAt must be in the future.');
    }
    requireAllowed(this.viewer, this.viewer.isAdmin || (!clientName && userId === this.viewer.userId), 'create tokens for others');
    if (!check.ok || userId === null) return { value: null, userErrors: check.errors };
    return this.em.transactional(async (em) => {
      if (clientName) {
        const client = await ensureClient(em, clientName, input.scopes?.length ? [...new Set(input.scopes)] : [Scope.PUBLIC_READ]);
        return { value: await issueToken(em, { clientId: client.id }, label, input.expiresAt ?? null), userErrors: [] };
      }
      if (!(await em.count(User, { id: userId }))) {
        check.add(['userId'], UserErrorCode.NOT_FOUND, 'No user has this id.');
        return { value: null, userErrors: check.errors };
      }
      return { value: await issueToken(em, { userId }, label, input.expiresAt ?? null), userErrors: [] };
    });
  }

  async revokeApiToken(input: RevokeApiTokenInput): Promise<Result<ApiToken>> {
    requireUser(this.viewer);
    const check = new InputChecker();
    const id = check.globalId(['id'], input.id, 'ApiToken');
    if (id === null) return { value: null, userErrors: check.errors };
    return this.em.transactional(async (em) => {
      const token = await em.findOne(ApiToken, { id });
      requireAllowed(this.viewer, this.viewer.isAdmin || (token !== null && token.userId === this.viewer.userId), 'revoke this token');
      if (!token) {
        check.add(['id'], UserErrorCode.NOT_FOUND, 'No token has this id.');
        return { value: null, userErrors: check.errors };
      }
      token.revokedAt ??= new Date();
      return { value: token, userErrors: [] };
    });
  }

  /** The audit log, newest first; admins only. */
  auditEntries(args: PageArgs, filter?: AuditEntryFilter | null) {
    requireAdmin(this.viewer);
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter?.operation != null) {
      where.push('a.operation = ?');
      params.push(filter.operation);
    }
    if (filter?.actorId != null) {
      where.push('a.actor_user_id = ?');
      params.push(filterId(filter.actorId, 'User', 'filter.actorId'));
    }
    const list: ListSql = { entity: AuditEntry, select: 'a.*', from: 'audit_entry a', idColumn: 'a.id', where, params };
    return fetchPage<AuditEntry>(this.em, list, AUDIT_ORDER, args);
  }

  private requiredRef(check: InputChecker, field: string[], value: string | null | undefined, type: 'School' | 'SchoolClass'): number | null {
    if (value == null) {
      check.add(field, UserErrorCode.REQUIRED, `${field.join('.')} is required for this role.`);
      return null;
    }
    return check.globalId(field, value, type);
  }
}
