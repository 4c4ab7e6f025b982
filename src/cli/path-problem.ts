import { stat } from 'node:fs/promises';

/**
 * Readable errors for paths the command line is given (docs/design.md#cli-output): by the system
 * error code, never the raw `ENOENT: no such file or directory, scandir '…'`.
 * `export directory /x not found`, `file /x is a directory, not a file`, `… cannot be read (EACCES)`.
 */
export function pathProblem(e: unknown, what: string, path: string): string {
  const code =
    typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : '';
  if (code === 'ENOENT') return `${what} ${path} not found`;
  if (code === 'ENOTDIR') return `${what} ${path} not found (a part of the path is a file)`;
  if (code === 'EISDIR') return `${what} ${path} is a directory, not a file`;
  return `${what} ${path} cannot be read (${code || (e instanceof Error ? e.name : 'error')})`;
}

/** Why `path` is not a readable directory, or undefined when it is one. */
export async function directoryProblem(what: string, path: string): Promise<string | undefined> {
  try {
    if (!(await stat(path)).isDirectory()) return `${what} ${path} is a file, not a directory`;
    return undefined;
  } catch (e) {
    return pathProblem(e, what, path);
  }
}
