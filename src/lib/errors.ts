import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ValidationError as OrmValidationError, NotFoundError as OrmNotFoundError } from '@mikro-orm/core';

/** The stable top-level error codes of the API (PRODUCT.md, "API conventions"). */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'RATE_LIMITED'
  | 'QUERY_TOO_COMPLEX'
  | 'CONFLICT'
  | 'INTERNAL_SERVER_ERROR';

export class ApiError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

export class BadUserInputError extends ApiError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super('BAD_USER_INPUT', message, extensions);
  }
}

export class NotFoundError extends ApiError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

const KNOWN_CODES = new Set<string>([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
  'CONFLICT',
  // Codes Apollo Server and graphql-js give to malformed requests.
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * The single place where errors become responses. Expected errors keep
 * their code and message; anything else (SQL, driver, bugs) becomes a bare
 * INTERNAL_SERVER_ERROR in production so no internals leak.
 */
export function createErrorFormatter(isProduction: boolean, onInternal: (err: unknown) => void) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    const code = formatted.extensions?.code as string | undefined;
    if (original instanceof OrmNotFoundError) {
      return { ...formatted, message: 'Not found.', extensions: { code: 'NOT_FOUND' } };
    }
    if (code && KNOWN_CODES.has(code)) {
      if (!isProduction) return formatted;
      const { stacktrace: _dropped, ...extensions } = formatted.extensions ?? {};
      // No schema hints in production: "Did you mean …?" would reveal field names.
      const message = formatted.message.replace(/ Did you mean .*\?$/, '');
      return { ...formatted, message, extensions };
    }
    onInternal(original);
    if (isProduction || original instanceof OrmValidationError) {
      return {
        message: 'Internal server error.',
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      };
    }
    return { ...formatted, extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR' } };
  };
}

export class ForbiddenError extends ApiError {
  constructor(message = 'You are not allowed to do this.') {
    super('FORBIDDEN', message);
  }
}
