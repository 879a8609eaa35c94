import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiError } from '../../lib/errors';
import { Viewer } from './viewer';
import type { ViewerCache } from './viewer-cache';

export const TOKEN_PREFIX = 'twx_';
/** 32 random bytes, base64url: 43 characters after the prefix. */
const TOKEN_PATTERN = /^twx_[A-Za-z0-9_-]{43}$/;
/** last_used_at is refreshed at most this often, so reads do not write on every request. */
const LAST_USED_GRANULARITY_MS = 60_000;

export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class UnauthenticatedError extends ApiError {
  constructor(message: string) {
    super('UNAUTHENTICATED', message, { http: { status: 401 } });
  }
}

type TokenRow = {
  token_id: number;
  user_id: number | null;
  client_id: number | null;
  expires_at: Date | string | null;
  revoked_at: Date | string | null;
  last_used_at: Date | string | null;
  is_admin: boolean | null;
  scopes: string[] | null;
  coordinator_of: number[];
  teacher_of: number[];
  teacher_schools: number[];
};

/**
 * Resolves the Authorization header to a Viewer. No header: anonymous.
 * A header that is malformed, unknown, expired or revoked is refused with
 * UNAUTHENTICATED, never downgraded to anonymous.
 */
export async function authenticate(
  em: EntityManager,
  authorization: string | undefined,
  ip: string | undefined,
  cache?: ViewerCache,
): Promise<Viewer> {
  if (authorization === undefined || authorization === '') return Viewer.anonymous(ip);
  const match = /^Bearer (\S+)$/i.exec(authorization.trim());
  if (!match || !TOKEN_PATTERN.test(match[1]!)) {
    throw new UnauthenticatedError('The Authorization header must be "Bearer twx_…" with a valid token.');
  }
  const tokenHash = hashToken(match[1]!);
  const cached = cache?.get(tokenHash);
  if (cached) return cached;
  const lookupGeneration = cache?.begin() ?? 0;
  const conn = em.getConnection();
  const [row] = await conn.execute<TokenRow[]>(
    `select t.id as token_id, t.user_id, t.client_id, t.expires_at, t.revoked_at, t.last_used_at, u.is_admin, c.scopes,
            array(select school_id from school_coordinator where user_id = t.user_id order by 1) as coordinator_of,
            array(select class_id from class_teacher where user_id = t.user_id order by 1) as teacher_of,
            array(select distinct sc.school_id from class_teacher ct join school_class sc on sc.id = ct.class_id
                  where ct.user_id = t.user_id order by 1) as teacher_schools
       from api_token t
       left join app_user u on u.id = t.user_id
       left join api_client c on c.id = t.client_id
      where t.token_hash = ?`,
    [tokenHash],
  );
  const now = Date.now();
  if (!row) throw new UnauthenticatedError('Unknown token.');
  if (row.revoked_at !== null) throw new UnauthenticatedError('This token has been revoked.');
  if (row.expires_at !== null && new Date(row.expires_at).getTime() <= now) throw new UnauthenticatedError('This token has expired.');
  if (row.last_used_at === null || now - new Date(row.last_used_at).getTime() > LAST_USED_GRANULARITY_MS) {
    await conn.execute('update api_token set last_used_at = now() where id = ?', [row.token_id]);
  }
  const viewer = viewerOf(row);
  cache?.set(tokenHash, viewer, row.expires_at === null ? null : new Date(row.expires_at).getTime(), lookupGeneration);
  return viewer;
}

function viewerOf(row: TokenRow): Viewer {
  if (row.user_id !== null) {
    return Viewer.user({
      tokenId: row.token_id,
      userId: row.user_id,
      isAdmin: row.is_admin === true,
      coordinatorOf: row.coordinator_of.map(Number),
      teacherOf: row.teacher_of.map(Number),
      teacherSchools: row.teacher_schools.map(Number),
    });
  }
  return Viewer.client({ tokenId: row.token_id, clientId: row.client_id!, scopes: row.scopes ?? [] });
}
