/** Records the fdatasync / fsync calls a write makes, for tests of what is durable when it resolves. */
import fs from 'node:fs';
import { vi } from 'vitest';

/** Linux's /proc/self/fd, through which a descriptor's path is read back. */
export const hasProcFds = fs.existsSync('/proc/self/fd');

type SyncFn = (fd: number, cb: (e: NodeJS.ErrnoException | null) => void) => void;

/**
 * Every successful fdatasync / fsync while the spies are on, in order, as `data:<path>` / `dir:<path>`
 * (the path read back from the descriptor, Linux's /proc/self/fd).
 */
export function spySyncs(): string[] {
  const log: string[] = [];
  for (const [name, kind] of [
    ['fdatasync', 'data'],
    ['fsync', 'dir'],
  ] as const) {
    const real = (fs[name] as SyncFn).bind(fs);
    vi.spyOn(fs, name).mockImplementation(((fd, cb) => {
      const at = fs.readlinkSync(`/proc/self/fd/${fd}`);
      real(fd, (e) => {
        if (!e) log.push(`${kind}:${at}`);
        cb(e);
      });
    }) as SyncFn);
  }
  return log;
}
