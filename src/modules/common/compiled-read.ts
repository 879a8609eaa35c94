import type { EntityClass, MetadataStorage } from '@mikro-orm/core';
import {
  defaultFieldResolver,
  getArgumentValues,
  getNamedType,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { Context } from '../../context';
import type { NodeTypeName } from '../../lib/global-id';
import { executePrepared } from '../../lib/prepared';
import type { Viewer } from '../auth/viewer';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './pagination';

/**
 * Compiled reads: a whole query subtree in one SQL statement.
 *
 * Resolving field by field sends one batched statement per level of a query
 * (a school, its town, its classes, their pairings, the partner classes,
 * their schools: six). Under load each statement costs the API about 0.3 ms
 * of CPU and PostgreSQL its planning, so for the read paths apps send most,
 * a root resolver may instead compile its selection into one statement that
 * builds the answer as JSON, fetching only the fields asked for, the way
 * PostGraphile does (see the README's Benchmark section for the figures).
 *
 * Only what is listed in a TypeSpec compiles: plain columns, global ids,
 * to-one relations without a check of their own, and first-N pages with
 * their visibility rule in SQL, each mirroring its resolver. Anything else
 * anywhere in the subtree (another field, a cursor, pageInfo, a filter, a
 * directive, a fragment on an interface) makes `compileRead` return
 * undefined, and the root resolver takes the usual path. Objects built this
 * way carry MARK; `serveCompiled` makes every field of the schema answer
 * from such an object's own keys (response keys, so aliases work) instead
 * of running its resolver. A root resolver that has loaded and checked its
 * entity anyway (exchange(id:), whose access depends on it) may compile
 * only part of its fields: the others resolve from the entity as usual.
 */
export const MARK = '__compiled';

export type CompiledObject = { [MARK]: true; [responseKey: string]: unknown };

/** The entity a partly compiled object's other fields resolve from. */
const SOURCE = Symbol('compiled read source');

type ColumnField = { kind: 'column'; property: string };
type GlobalIdField = { kind: 'globalId'; type: NodeTypeName };
type OneField = { kind: 'one'; target: () => TypeSpec; on: (parent: string, child: string) => string };
type PageField = {
  kind: 'page';
  target: () => TypeSpec;
  /** GraphQL types of the connection and its edges. */
  connection: string;
  edge: string;
  /** Conditions tying a child row to its parent, and the visibility rule of the list (its values pushed onto params). */
  where: (parent: string, child: string, viewer: Viewer, params: unknown[]) => string[];
  orderBy: (child: string) => string;
};
/** A plain list (GraphQL `[T!]!`) of child rows, all of them, in the resolver's order. */
type ListField = { kind: 'list'; target: () => TypeSpec; where: (parent: string, child: string) => string; orderBy: (child: string) => string };
export type FieldSpec = ColumnField | GlobalIdField | OneField | PageField | ListField;

export type TypeSpec = {
  /** The GraphQL object type. */
  type: string;
  entity: EntityClass<object>;
  fields: Record<string, FieldSpec>;
};

export const column = (property: string): ColumnField => ({ kind: 'column', property });
export const globalId = (type: NodeTypeName): GlobalIdField => ({ kind: 'globalId', type });

/** Every `target()` row tied to its parent by `parent`, in `orderBy` order (a resolver returning a plain list). */
export const list = (target: () => TypeSpec, parent: (parent: string, child: string) => string, orderBy: (child: string) => string): ListField => ({
  kind: 'list',
  target,
  where: parent,
  orderBy,
});

/**
 * First-N pages of `target()` rows (GraphQL `<type>Connection` of
 * `<type>Edge`s): `parent` ties a child row to its parent, `visibility`
 * (null: none) is the list's rule for the viewer, `orderBy` its order.
 */
export function page(
  target: () => TypeSpec,
  type: string,
  parent: (parent: string, child: string) => string,
  orderBy: (child: string) => string,
  visibility: (child: string, viewer: Viewer, params: unknown[]) => string | null = () => null,
): PageField {
  return {
    kind: 'page',
    target,
    connection: `${type}Connection`,
    edge: `${type}Edge`,
    where: (p, c, viewer, params) => {
      const rule = visibility(c, viewer, params);
      return rule === null ? [parent(p, c)] : [parent(p, c), rule];
    },
    orderBy,
  };
}

/** Undefined: this selection does not compile (see the module comment). */
type Sql = string | undefined;

class Compiler {
  private aliases = 0;
  /** Values of the `?` placeholders, in the order they appear in the SQL built so far. */
  readonly params: unknown[] = [];

  constructor(
    private readonly info: GraphQLResolveInfo,
    private readonly viewer: Viewer,
    private readonly metadata: MetadataStorage,
  ) {}

  alias(): string {
    this.aliases += 1;
    return `r${this.aliases}`;
  }

  /** The fields of a selection set by response key; undefined for what does not compile. */
  collect(selectionSet: SelectionSetNode | undefined, type: string): Map<string, FieldNode> | undefined {
    if (!selectionSet) return undefined;
    const fields = new Map<string, FieldNode>();
    const visit = (set: SelectionSetNode): boolean => {
      for (const selection of set.selections) {
        if (selection.directives?.length) return false;
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          // The same key twice would need GraphQL's field merging: left to the resolvers.
          if (fields.has(key)) return false;
          // An alias may start with "__": it must never take the place of MARK in the JSON.
          if (key.startsWith('__') && !(key === '__typename' && selection.name.value === '__typename')) return false;
          fields.set(key, selection);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (selection.typeCondition && selection.typeCondition.name.value !== type) return false;
          if (!visit(selection.selectionSet)) return false;
        } else {
          const fragment = this.info.fragments[selection.name.value];
          if (!fragment || fragment.directives?.length || fragment.typeCondition.name.value !== type || !visit(fragment.selectionSet)) return false;
        }
      }
      return true;
    };
    return visit(selectionSet) ? fields : undefined;
  }

  /**
   * A JSON object of the row `alias` of `spec`'s table with the selected
   * fields. `partial` (the root of a read that also has the entity): a field
   * that does not compile is left out, for its resolver to answer.
   */
  object(spec: TypeSpec, selectionSet: SelectionSetNode | undefined, alias: string, partial = false): Sql {
    const fields = this.collect(selectionSet, spec.type);
    if (!fields) return undefined;
    const parts = [`'${MARK}', true`];
    for (const [key, node] of fields) {
      const name = node.name.value;
      if (name === '__typename') continue; // GraphQL answers it from the type
      const field = spec.fields[name];
      const mark = this.params.length;
      const value = field && (field.kind === 'page' || !node.arguments?.length) ? this.field(spec, field, node, alias) : undefined;
      if (value === undefined) {
        // Left to its resolver: whatever it bound is not in the SQL.
        this.params.length = mark;
        if (partial) continue;
        return undefined;
      }
      parts.push(`'${key}', ${value}`);
    }
    // json_build_object takes at most 100 arguments.
    if (parts.length > 50) return undefined;
    return `json_build_object(${parts.join(', ')})`;
  }

  private field(spec: TypeSpec, field: FieldSpec, node: FieldNode, alias: string): Sql {
    switch (field.kind) {
      case 'column':
        return `${alias}."${this.columnOf(spec, field.property)}"`;
      case 'globalId':
        // toGlobalId: base64url of "Type:id", without padding.
        return `rtrim(translate(encode(convert_to('${field.type}:' || ${alias}.id, 'UTF8'), 'base64'), '+/', '-_'), '=')`;
      case 'one': {
        const target = field.target();
        const child = this.alias();
        const object = this.object(target, node.selectionSet, child);
        if (object === undefined) return undefined;
        return `(select ${object} from "${this.tableOf(target)}" ${child} where ${field.on(alias, child)})`;
      }
      case 'page':
        return this.page(spec, field, node, alias);
      case 'list': {
        const target = field.target();
        const child = this.alias();
        const object = this.object(target, node.selectionSet, child);
        if (object === undefined) return undefined;
        const order = field.orderBy(child);
        return `(select coalesce(json_agg(${object} order by ${order}), '[]'::json) from "${this.tableOf(target)}" ${child} where ${field.where(alias, child)})`;
      }
    }
  }

  /** `first: N` of a connection with `edges { node { … } }` only. */
  private page(spec: TypeSpec, field: PageField, node: FieldNode, alias: string): Sql {
    const definition = this.info.schema.getType(spec.type);
    if (!isObjectType(definition)) return undefined;
    const args = getArgumentValues(definition.getFields()[node.name.value]!, node, this.info.variableValues);
    if (Object.entries(args).some(([name, value]) => name !== 'first' && value != null)) return undefined;
    const first = args.first == null ? DEFAULT_PAGE_SIZE : (args.first as number);
    // Out of range: the resolver answers with its BAD_USER_INPUT.
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) return undefined;
    const connection = this.collect(node.selectionSet, field.connection);
    if (!connection) return undefined;
    const target = field.target();
    const child = this.alias();
    const parts = [`'${MARK}', true`];
    for (const [key, edgesNode] of connection) {
      if (edgesNode.name.value === '__typename') continue;
      if (edgesNode.name.value !== 'edges' || edgesNode.arguments?.length) return undefined;
      const edge = this.collect(edgesNode.selectionSet, field.edge);
      if (!edge) return undefined;
      const edgeParts = [`'${MARK}', true`];
      for (const [nodeKey, nodeNode] of edge) {
        if (nodeNode.name.value === '__typename') continue;
        if (nodeNode.name.value !== 'node' || nodeNode.arguments?.length) return undefined;
        const object = this.object(target, nodeNode.selectionSet, child);
        if (object === undefined) return undefined;
        edgeParts.push(`'${nodeKey}', ${object}`);
      }
      // json_build_object takes at most 100 arguments.
      if (edgeParts.length > 50) return undefined;
      // After the nodes: their placeholders come first in the text.
      const where = field.where(alias, child, this.viewer, this.params);
      const order = field.orderBy(child);
      parts.push(
        `'${key}', (select coalesce(json_agg(json_build_object(${edgeParts.join(', ')}) order by ${order}), '[]'::json)
           from (select ${child}.* from "${this.tableOf(target)}" ${child}
                  where ${where.length ? where.join(' and ') : 'true'} order by ${order} limit ${first}) ${child})`,
      );
    }
    if (parts.length > 50) return undefined;
    return `json_build_object(${parts.join(', ')})`;
  }

  private columnOf(spec: TypeSpec, property: string): string {
    const prop = this.metadata.get(spec.entity.name).properties[property as never] as { fieldNames: string[] } | undefined;
    if (!prop) throw new Error(`compiled read: ${spec.entity.name} has no property ${property}`);
    return prop.fieldNames[0]!;
  }

  tableOf(spec: TypeSpec): string {
    return this.metadata.get(spec.entity.name).tableName;
  }
}

export type CompiledRead = {
  /** The answer; null when there is no such row. */
  value: CompiledObject | null;
  /** The `extras` asked for, by name (null when there is no such row). */
  extras: Record<string, unknown>;
};

/**
 * The answer of a root field returning one `spec` row by id, in one
 * statement; undefined when the selection does not compile or compiled
 * reads are off for this request.
 *
 * With `entity` (the row, already loaded and checked by the root resolver),
 * the fields of the root that do not compile are answered by their
 * resolvers from it, and only the ones that do are compiled; undefined when
 * none does. `extras`: more columns of the same statement, SQL on the root
 * row's alias, for the root resolver to prime a resolver's DataLoader with.
 */
export async function compileRead(
  ctx: Context,
  info: GraphQLResolveInfo,
  spec: TypeSpec,
  id: number,
  opts: { entity?: object; extras?: Record<string, (alias: string) => string> } = {},
): Promise<CompiledRead | undefined> {
  const { entity, extras = {} } = opts;
  if (ctx.compiledReads === false || info.fieldNodes.length !== 1) return undefined;
  const viewer = await ctx.viewer();
  const compiler = new Compiler(info, viewer, ctx.em.getMetadata());
  const alias = compiler.alias();
  const object = compiler.object(spec, info.fieldNodes[0]!.selectionSet, alias, entity !== undefined);
  if (object === undefined || (entity && object === `json_build_object('${MARK}', true)`)) return undefined;
  const table = compiler.tableOf(spec);
  const columns = [`${object} as x`, ...Object.entries(extras).map(([name, sql]) => `(${sql(alias)}) as "${name}"`)];
  // Prepared: one plan per connection for each shape of query, as PostGraphile does (src/lib/prepared.ts).
  const [row] = await executePrepared<Record<string, unknown>>(ctx.em, `select ${columns.join(', ')} from "${table}" ${alias} where ${alias}.id = ?`, [
    ...compiler.params,
    id,
  ]);
  const value = (row?.x as CompiledObject | undefined) ?? null;
  if (value && entity) Object.defineProperty(value, SOURCE, { value: entity });
  return { value, extras: Object.fromEntries(Object.keys(extras).map((name) => [name, row?.[name] ?? null])) };
}

/** A page's nodes as SQL on the list's alias, with the values of its placeholders. */
export type CompiledNodes = { sql: string; params: unknown[] };

/**
 * The node object of a root connection's `edges { node { … } }` as SQL on
 * the list's row alias `alias` (not of the form r<N>), for `fetchPage` to
 * select instead of the rows; undefined when the nodes do not compile or
 * compiled reads are off. The connection's other fields (cursors, pageInfo,
 * totalCount) stay with the resolvers, so every argument, filter and order
 * of the list works as before: only the nodes are built in SQL.
 */
export async function compileNodes(ctx: Context, info: GraphQLResolveInfo, spec: TypeSpec, alias: string): Promise<CompiledNodes | undefined> {
  if (ctx.compiledReads === false || info.fieldNodes.length !== 1) return undefined;
  const connectionType = getNamedType(info.returnType);
  if (!isObjectType(connectionType)) return undefined;
  const edgeType = connectionType.getFields().edges && getNamedType(connectionType.getFields().edges!.type);
  if (!edgeType || !isObjectType(edgeType)) return undefined;
  const compiler = new Compiler(info, await ctx.viewer(), ctx.em.getMetadata());
  const connection = compiler.collect(info.fieldNodes[0]!.selectionSet, connectionType.name);
  if (!connection) return undefined;
  // One `edges` with one `node`: a second one (under another alias) would need keys the first did not build.
  const edges = [...connection.values()].filter((f) => f.name.value === 'edges');
  if (edges.length !== 1) return undefined;
  const edge = compiler.collect(edges[0]!.selectionSet, edgeType.name);
  const nodes = edge && [...edge.values()].filter((f) => f.name.value === 'node');
  if (!nodes || nodes.length !== 1) return undefined;
  const sql = compiler.object(spec, nodes[0]!.selectionSet, alias);
  return sql === undefined ? undefined : { sql, params: compiler.params };
}

/** Whether the root field's selection asks for `field` on the root object itself. */
export function selectsField(info: GraphQLResolveInfo, field: string): boolean {
  const visit = (set: SelectionSetNode | undefined): boolean =>
    !!set?.selections.some((s) =>
      s.kind === Kind.FIELD
        ? s.name.value === field
        : s.kind === Kind.INLINE_FRAGMENT
          ? visit(s.selectionSet)
          : visit(info.fragments[s.name.value]?.selectionSet),
    );
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}

/** Lets every field answer from a compiled object's own keys (see the module comment). */
export function serveCompiled(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        if (source == null || (source as CompiledObject)[MARK] !== true) return resolve(source, args, context, info);
        const key = info.path.key as string;
        if (Object.hasOwn(source, key)) return (source as CompiledObject)[key];
        const entity = (source as { [SOURCE]?: object })[SOURCE];
        if (entity) return resolve(entity, args, context, info);
        throw new Error(`compiled read: no value for ${info.parentType.name}.${info.fieldName}`);
      };
    }
  }
  return schema;
}
