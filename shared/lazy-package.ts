// A package loaded on first use (`await import()`), the same whether Node loads it or a function's bundle
// does: esbuild gives a CommonJS package loaded lazily from a bundle chunk as its default export only
// (`export default require_x()`), where Node gives its named exports too.

/** The package's exports from `load` (`() => import('pkg')`), unwrapping a bundle chunk's default-only namespace. */
export async function lazyPackage<T extends object>(load: () => Promise<T>): Promise<T> {
  const mod = (await load()) as T & { default?: unknown };
  const onlyDefault = Object.keys(mod).every((key) => key === 'default');
  return onlyDefault && mod.default !== null && typeof mod.default === 'object' ? (mod.default as T) : mod;
}
