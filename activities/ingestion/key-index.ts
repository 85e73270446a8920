/**
 * Document numbers seen so far in an upload, each with a number (where it was first seen), in
 * flat typed arrays instead of a Map of strings: a million keys take about 40 MB here against
 * well over 100 MB as Map entries and string objects, which is what kept validation of a large
 * file above its memory goal. Keys are stored as UTF-8 bytes in one growing buffer; an
 * open-addressing table of entry indexes (FNV-1a over the bytes, linear probing) finds them,
 * and a hit is confirmed byte by byte, so the answer is exact.
 */
export class KeyIndex {
  private bytes = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  /** Entry i's key is bytes[starts[i], starts[i + 1]). */
  private starts = new Int32Array(1 << 10);
  private values = new Float64Array(1 << 10);
  private count = 0;
  /** Entry index + 1 per slot; 0 is empty. Its length is a power of two, at least twice the entries. */
  private slots = new Int32Array(1 << 11);

  get size(): number {
    return this.count;
  }

  /** The number stored with `key`, or undefined. */
  get(key: string): number | undefined {
    const length = this.stage(key);
    const entry = this.find(length, this.hash(length));
    return entry < 0 ? undefined : this.values[entry];
  }

  /** Stores `key` with `value` unless it is there already; returns the value it has. */
  setIfAbsent(key: string, value: number): number {
    const length = this.stage(key);
    const hash = this.hash(length);
    const entry = this.find(length, hash);
    if (entry >= 0) return this.values[entry]!;
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    if (this.count + 2 > this.starts.length) {
      this.starts = resized(this.starts, this.starts.length * 2);
      this.values = resized(this.values, this.values.length * 2);
    }
    const index = this.count++;
    this.starts[index] = this.used;
    this.values[index] = value;
    this.used += length;
    this.starts[this.count] = this.used;
    this.place(index, hash);
    return value;
  }

  /** Forgets every entry added after the first `size` (a file refused half-way). */
  truncate(size: number): void {
    if (size >= this.count) return;
    this.count = size;
    this.used = this.starts[size]!;
    this.slots.fill(0);
    for (let index = 0; index < this.count; index++) this.place(index, this.hashAt(index));
  }

  /** Writes the key's bytes just past the stored ones (not yet kept) and returns their length. */
  private stage(key: string): number {
    const most = key.length * 3;
    if (this.used + most > this.bytes.length) {
      const next = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + most));
      this.bytes.copy(next, 0, 0, this.used);
      this.bytes = next;
    }
    return this.bytes.write(key, this.used, 'utf8');
  }

  private hash(length: number): number {
    return fnv(this.bytes, this.used, this.used + length);
  }

  private hashAt(index: number): number {
    return fnv(this.bytes, this.starts[index]!, this.starts[index + 1]!);
  }

  private find(length: number, hash: number): number {
    const mask = this.slots.length - 1;
    const { bytes, used, starts } = this;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const stored = this.slots[slot]! - 1;
      if (stored < 0) return -1;
      const start = starts[stored]!;
      if (starts[stored + 1]! - start !== length) continue;
      let same = true;
      for (let i = 0; i < length; i++) {
        if (bytes[start + i] !== bytes[used + i]) {
          same = false;
          break;
        }
      }
      if (same) return stored;
    }
  }

  private place(index: number, hash: number): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = index + 1;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let index = 0; index < this.count; index++) this.place(index, this.hashAt(index));
  }
}

function fnv(bytes: Buffer, from: number, to: number): number {
  let hash = 0x811c9dc5;
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash >>> 0;
}

function resized<T extends Int32Array | Float64Array>(array: T, length: number): T {
  const next = new (array.constructor as new (n: number) => T)(length);
  next.set(array);
  return next;
}
