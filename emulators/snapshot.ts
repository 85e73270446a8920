import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Keeps an emulator's whole state as one JSON file so the dev stack survives a restart with
 * its linked banks and in-flight transfers intact. Writes are debounced (a burst of changes is
 * one write) and atomic (temp file + rename), so a crash never leaves half a file behind.
 * Without a directory it does nothing: tests run purely in memory.
 */
export interface Snapshot<T> {
  /** The saved state, or undefined when there is none (or no directory was given). */
  load(): T | undefined;
  /** Marks the state dirty; it is written shortly after. */
  changed(): void;
  /** Writes now if dirty (used on stop). */
  flush(): void;
}

export function jsonSnapshot<T>(dataDir: string | undefined, fileName: string, current: () => T, debounceMs = 100): Snapshot<T> {
  if (!dataDir) return { load: () => undefined, changed: () => undefined, flush: () => undefined };
  const file = path.join(dataDir, fileName);
  let timer: NodeJS.Timeout | undefined;
  let dirty = false;

  const write = () => {
    timer = undefined;
    if (!dirty) return;
    dirty = false;
    mkdirSync(dataDir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(current()));
    renameSync(temp, file);
  };

  return {
    load() {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as T;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new Error(`cannot read emulator state ${file}: ${(error as Error).message}`);
      }
    },
    changed() {
      dirty = true;
      timer ??= setTimeout(write, debounceMs);
      timer.unref();
    },
    flush() {
      if (timer) clearTimeout(timer);
      write();
    },
  };
}
