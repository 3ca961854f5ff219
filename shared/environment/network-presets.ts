// `@common-dependencies`: the public package registries and code hosts a setup script usually needs.
// Each entry is an allow entry (a host, or a `*.` wildcard that matches its subdomains only).
import { COMMON_DEPENDENCIES } from './environment-spec.js';

export const COMMON_DEPENDENCY_HOSTS: readonly string[] = [
  // npm, Yarn
  'registry.npmjs.org',
  'registry.yarnpkg.com',
  'repo.yarnpkg.com',
  // Python: PyPI and its file host
  'pypi.org',
  'files.pythonhosted.org',
  // Rust
  'crates.io',
  'index.crates.io',
  'static.crates.io',
  'static.rust-lang.org',
  // Go
  'proxy.golang.org',
  'sum.golang.org',
  'storage.googleapis.com',
  // Java / Kotlin
  'repo.maven.apache.org',
  'repo1.maven.org',
  'plugins.gradle.org',
  'services.gradle.org',
  // Ruby
  'rubygems.org',
  'index.rubygems.org',
  // PHP, .NET, Dart
  'repo.packagist.org',
  'api.nuget.org',
  'pub.dev',
  // Debian / Ubuntu packages
  'deb.debian.org',
  'security.debian.org',
  'archive.ubuntu.com',
  // Code hosts (git dependencies, release downloads)
  'github.com',
  'api.github.com',
  'codeload.github.com',
  'objects.githubusercontent.com',
  'raw.githubusercontent.com',
  'gitlab.com',
  'bitbucket.org',
];

/** The allow entries with the preset replaced by its hosts. */
export function expandPresets(entries: readonly string[]): string[] {
  return entries.flatMap((e) => (e === COMMON_DEPENDENCIES ? [...COMMON_DEPENDENCY_HOSTS] : [e]));
}
