import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE } from '../common/pagination';

/** Relay plumbing: fields of these types are free and do not multiply (GitHub counts neither). */
const isPlumbingType = (type: GraphQLCompositeType) => type.name.endsWith('Connection') || type.name.endsWith('Edge');
const isConnectionType = (type: GraphQLCompositeType) => type.name.endsWith('Connection');

function asCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.floor(value)) : undefined;
}

/**
 * How many objects a field asks for (its fan-out `n`):
 * - a connection (return type named `…Connection`): `first` ?? `last` ?? 20;
 * - a list of objects with a list argument (`nodes(ids: [...])`): the length
 *   of the longest list argument;
 * - any other object field, list or not: 1 (its length is not known in advance).
 */
function fanOut(field: GraphQLField<unknown, unknown>, type: GraphQLCompositeType, args: Record<string, unknown>): number {
  if (isConnectionType(type)) return asCount(args.first) ?? asCount(args.last) ?? DEFAULT_PAGE_SIZE;
  if (isListType(getNullableType(field.type))) {
    const lengths = Object.values(args).filter(Array.isArray).map((list) => list.length);
    if (lengths.length) return Math.max(...lengths);
  }
  return 1;
}

/**
 * Cost of an operation, in the style of GitHub's GraphQL API: roughly the
 * number of objects it may load.
 *
 * Every field that returns an object (or a list of objects) costs
 * `multiplier × n`, where `multiplier` is the product of the `n` of the
 * fields above it (1 at the root) and `n` is the field's fan-out:
 * `first` ?? `last` ?? 20 for a connection, the length of the list argument
 * for `nodes(ids:)`, 1 otherwise. Its subtree is then priced with
 * `multiplier × n`. Free, and not multiplying:
 * - scalar and enum fields (so `totalCount` and `cursor`);
 * - the Relay plumbing: fields of `…Connection` and `…Edge` types
 *   (`edges`, `node`, `pageInfo`);
 * - introspection fields (`__schema`, `__type`, `__typename`).
 *
 * Fragments are expanded on their type condition (for a field of an
 * interface such as `Node`, the interface's field); `@skip`/`@include` are
 * ignored, so the figure is an upper bound. Example:
 * `schoolClasses(first: 50) { edges { node { school { town { name } } languages { language } } } }`
 * costs 50 (classes) + 50 (schools) + 50 (towns) + 50 (language lists) = 200.
 *
 * `variables` are the raw request variables; they are coerced here. When
 * they do not coerce (execution will refuse them), arguments given by
 * variables take their defaults. Returns 0 when the operation is not found.
 */
export function computeQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
  variables?: Record<string, unknown> | null,
): number {
  const operation = getOperationAST(document, operationName);
  const rootType = operation && schema.getRootType(operation.operation);
  if (!operation || !rootType) return 0;

  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  const variableValues = coerced.coerced ?? {};
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }

  // Cost is linear in the multiplier, so each selection set is priced once at
  // multiplier 1 and scaled; fragments are memoised, keeping this linear in
  // the size of the document however often a fragment is spread.
  const fragmentCosts = new Map<string, number>();
  const visiting = new Set<string>();

  function fragmentCost(name: string): number {
    const known = fragmentCosts.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    const type = fragment && schema.getType(fragment.typeCondition.name.value);
    if (!fragment || !isCompositeType(type) || visiting.has(name)) return 0;
    visiting.add(name);
    const cost = selectionSetCost(type, fragment.selectionSet);
    visiting.delete(name);
    fragmentCosts.set(name, cost);
    return cost;
  }

  function selectionSetCost(parent: GraphQLCompositeType, set: SelectionSetNode): number {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        total += fieldCost(parent, selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (isCompositeType(type)) total += selectionSetCost(type, selection.selectionSet);
      } else {
        total += fragmentCost(selection.name.value);
      }
    }
    return total;
  }

  function fieldCost(parent: GraphQLCompositeType, node: FieldNode): number {
    if (node.name.value.startsWith('__') || !node.selectionSet) return 0;
    if (!isObjectType(parent) && !isInterfaceType(parent)) return 0;
    const field = parent.getFields()[node.name.value];
    const type = field && getNamedType(field.type);
    if (!field || !isCompositeType(type)) return 0;
    const below = selectionSetCost(type, node.selectionSet);
    if (isPlumbingType(parent)) return below;
    const n = fanOut(field, type, argumentValues(field, node));
    return n + n * below;
  }

  function argumentValues(field: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> {
    try {
      return getArgumentValues(field, node, variableValues);
    } catch {
      // Bad arguments fail execution before any resolver runs; price the defaults.
      return {};
    }
  }

  return selectionSetCost(rootType, operation.selectionSet);
}
