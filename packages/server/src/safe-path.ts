import { lstatSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ServerError } from './errors.js';

/**
 * Resolves a file name a request gives against the allow-listed data folder. Refused: absolute
 * paths, `..` segments, anything that leaves the folder, symbolic links anywhere on the way, and
 * anything that is not a regular file.
 */
export function resolveDataFile(dataDir: string | undefined, name: string): string {
  if (dataDir === undefined) {
    throw new ServerError('HOKUSAI_DATA_DIR_UNSET', 'This server has no data folder: upload the files instead (multipart/form-data).');
  }
  const refuse = (why: string): never => {
    throw new ServerError('HOKUSAI_PATH_REFUSED', `The file name ${JSON.stringify(name)} is refused: ${why}. Name a file inside the server's data folder, relative to it.`);
  };
  if (name.length === 0 || name.includes('\0')) refuse('it is empty or holds a NUL byte');
  if (isAbsolute(name) || /^[A-Za-z]:/.test(name)) refuse('it is an absolute path');
  if (name.split(/[\\/]/).includes('..')) refuse('it climbs out with ..');
  const root = realpathSync(dataDir);
  const path = resolve(root, name);
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) refuse('it is outside the data folder');
  // Every component is checked with lstat, so a link inside the folder cannot point outside it.
  let current = root;
  for (const part of rel.split(sep)) {
    current = join(current, part);
    let stat;
    try {
      stat = lstatSync(current);
    } catch {
      throw new ServerError('HOKUSAI_DATA_FILE_NOT_FOUND', `No file ${JSON.stringify(name)} in the server's data folder.`);
    }
    if (stat.isSymbolicLink()) refuse('it passes through a symbolic link');
    if (current === path && !stat.isFile()) refuse('it is not a regular file');
  }
  return path;
}
