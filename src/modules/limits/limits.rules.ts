import {
  Kind,
  Lexer,
  Source,
  TokenKind,
  type ASTNode,
  type FieldNode,
  type ParseOptions,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { queryTooComplex, type LimitsConfig } from './limits.config';

/** Introspection fields (`__schema`, `__type`, `__typename`) never count towards depth. */
const isIntrospection = (field: FieldNode) => field.name.value.startsWith('__');

/**
 * Depth of each operation: a field adds one level, fragments (spread or
 * inline) add none, so `{ towns { edges { node { name } } } }` is depth 4.
 * Introspection fields are skipped with their subtree, so the introspection
 * query of Apollo Sandbox and GraphiQL passes. Fragment depths are memoised,
 * so fragments spread many times cost no extra work.
 */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext) => {
    const fragmentDepths = new Map<string, number>();
    const visiting = new Set<string>();

    function fragmentDepth(name: string): number {
      const known = fragmentDepths.get(name);
      if (known !== undefined) return known;
      const fragment = context.getFragment(name);
      // Unknown fragments and cycles are reported by graphql-js's own rules.
      if (!fragment || visiting.has(name)) return 0;
      visiting.add(name);
      const depth = selectionSetDepth(fragment.selectionSet);
      visiting.delete(name);
      fragmentDepths.set(name, depth);
      return depth;
    }

    function selectionSetDepth(set: SelectionSetNode): number {
      let max = 0;
      for (const selection of set.selections) {
        let depth = 0;
        if (selection.kind === Kind.FIELD) {
          if (isIntrospection(selection)) continue;
          depth = 1 + (selection.selectionSet ? selectionSetDepth(selection.selectionSet) : 0);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          depth = selectionSetDepth(selection.selectionSet);
        } else {
          depth = fragmentDepth(selection.name.value);
        }
        if (depth > max) max = depth;
      }
      return max;
    }

    return {
      OperationDefinition(operation) {
        const depth = selectionSetDepth(operation.selectionSet);
        if (depth > maxDepth) context.reportError(queryTooComplex('maxDepth', depth, maxDepth, { nodes: operation }));
        return false;
      },
    };
  };
}

/** Counts nodes over the whole document; reports once, at the first node over the limit. */
function documentCounter(context: ValidationContext, rule: 'maxAliases' | 'maxDirectives', limit: number) {
  let count = 0;
  let firstOver: ASTNode | undefined;
  return {
    add(node: ASTNode) {
      count += 1;
      if (count === limit + 1) firstOver = node;
    },
    report() {
      if (count > limit) context.reportError(queryTooComplex(rule, count, limit, { nodes: firstOver }));
    },
  };
}

/** Aliased fields in the whole document, in every operation and fragment. */
export function aliasLimitRule(maxAliases: number): ValidationRule {
  return (context) => {
    const counter = documentCounter(context, 'maxAliases', maxAliases);
    return {
      Field(node) {
        if (node.alias) counter.add(node);
      },
      Document: { leave: counter.report },
    };
  };
}

/** Directive uses in the whole document (on fields, fragments, operations and variables). */
export function directiveLimitRule(maxDirectives: number): ValidationRule {
  return (context) => {
    const counter = documentCounter(context, 'maxDirectives', maxDirectives);
    return {
      Directive(node) {
        counter.add(node);
      },
      Document: { leave: counter.report },
    };
  };
}

/** Validation rules for depth, aliases and directives; pass them to ApolloServer's `validationRules`. */
export function limitValidationRules(limits: LimitsConfig): ValidationRule[] {
  return [depthLimitRule(limits.maxDepth), aliasLimitRule(limits.maxAliases), directiveLimitRule(limits.maxDirectives)];
}

/**
 * Parse options for ApolloServer's `parseOptions`: graphql-js aborts parsing
 * after maxTokens tokens. The plugin turns that syntax error into QUERY_TOO_COMPLEX.
 */
export function limitParseOptions(limits: LimitsConfig): ParseOptions {
  return { maxLexicalTokens: limits.maxTokens };
}

// graphql-js 16 says "more that N tokens"; accept the corrected spelling too.
const TOKEN_LIMIT_MESSAGE = /Document contains more th(?:at|an) (\d+) tokens/;

/** Whether a parse error is graphql-js's token limit. */
export function isTokenLimitError(message: string): boolean {
  return TOKEN_LIMIT_MESSAGE.test(message);
}

/**
 * Tokens in a document, counted the way the parser counts them (comments
 * excluded), for the error message. Stops at the first lexical error.
 */
export function countTokens(source: string): number {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) count += 1;
  } catch {
    // The figure is then a lower bound, which is all the message needs.
  }
  return count;
}
