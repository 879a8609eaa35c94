import { Field, ID, InterfaceType } from 'type-graphql';

/** Relay object identification: every entity has an opaque global id. */
@InterfaceType({
  description: 'An object with an opaque global id, fetchable with `node(id:)` and `nodes(ids:)`.',
  resolveType: (value: object) => value.constructor.name,
})
export abstract class Node {
  @Field(() => ID, { name: 'id', description: 'Opaque global id. Stable; do not parse it.' })
  abstract readonly globalId: string;
}
