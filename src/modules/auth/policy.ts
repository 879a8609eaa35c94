import { ForbiddenError } from '../../lib/errors';
import { UnauthenticatedError } from './tokens';
import { ViewerKind, type Viewer } from './viewer';

/**
 * Mutations need a person: anonymous callers are UNAUTHENTICATED, app
 * tokens (which have no write scope on these objects) FORBIDDEN.
 */
export function requireUser(viewer: Viewer): void {
  if (viewer.kind === ViewerKind.ANONYMOUS) throw new UnauthenticatedError('Sign in: this needs a token (Authorization: Bearer twx_…).');
  if (viewer.kind !== ViewerKind.USER) throw new ForbiddenError('App tokens cannot change this; use a personal token.');
}

export function requireAdmin(viewer: Viewer): void {
  requireUser(viewer);
  if (!viewer.isAdmin) throw new ForbiddenError('Only admins may do this.');
}

/** Throws FORBIDDEN unless allowed; the message never says whether the object exists. */
export function requireAllowed(viewer: Viewer, allowed: boolean, what: string): void {
  requireUser(viewer);
  if (!allowed) throw new ForbiddenError(`You may not ${what}.`);
}
