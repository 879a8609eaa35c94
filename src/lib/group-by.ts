/**
 * Buckets items by a key, keeping their order within each bucket (Node 20
 * has no Map.groupBy). `value` maps each item as it is bucketed.
 */
export function groupBy<T, K, V = T>(items: Iterable<T>, key: (item: T) => K, value: (item: T) => V = (item) => item as unknown as V): Map<K, V[]> {
  const map = new Map<K, V[]>();
  for (const item of items) {
    const k = key(item);
    const bucket = map.get(k);
    if (bucket) bucket.push(value(item));
    else map.set(k, [value(item)]);
  }
  return map;
}
