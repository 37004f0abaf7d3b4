// OpenAPI 3.0 `nullable` for Ajv: Ajv understands `nullable: true` next to `type`, but an `enum` must list null itself
// (OpenAPI 3.0.3 says nullable admits null whatever the enum), so null is added to such enums.
export function normalizeNullable<T>(node: T): T {
  if (Array.isArray(node)) return node.map(normalizeNullable) as T;
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = normalizeNullable(v);
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out as T;
}
