const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  EEXIST: 'it already exists',
  ELOOP: 'too many symbolic links',
  EXDEV: 'it is on another file system',
  EMFILE: 'too many open files',
};

/**
 * Why a file-system call failed, in words and without the path Node puts in its message
 * (the caller names the path once): `permission denied (EACCES)`.
 */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = code === undefined ? undefined : REASONS[code];
  if (reason !== undefined) return `${reason} (${code})`;
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/, \w+ '.*'$/, '');
}
