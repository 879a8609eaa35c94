import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Dates from the database arrive as strings (pg) or Date objects (PGlite). */
export function toIsoDate(value: string | Date): string {
  if (typeof value === 'string') return value.slice(0, 10);
  // PGlite builds DATE values at UTC midnight.
  const y = value.getUTCFullYear();
  const m = String(value.getUTCMonth() + 1).padStart(2, '0');
  const d = String(value.getUTCDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

function parse(value: unknown): string {
  if (typeof value !== 'string' || !isIsoDate(value)) {
    throw new GraphQLError('Date must be an ISO 8601 calendar date, YYYY-MM-DD.', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return value;
}

/**
 * A calendar date without time or zone, as an ISO 8601 string
 * (YYYY-MM-DD). Kept a string end to end so no time zone can shift it.
 */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date without time zone, ISO 8601 (YYYY-MM-DD), e.g. "2027-03-14".',
  serialize: (value) => toIsoDate(value as string | Date),
  parseValue: parse,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) {
      throw new GraphQLError('Date must be a string YYYY-MM-DD.', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return parse(ast.value);
  },
});
