import { KeyIndex } from './key-index';

describe('KeyIndex', () => {
  it('finds every key it was given with its value, and no other, across growth', () => {
    const index = new KeyIndex();
    const keys = Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? `INV-${i}` : i % 3 === 1 ? `Fact\u00fcra ${i} \u20ac` : `${i}`));
    keys.forEach((key, i) => expect(index.setIfAbsent(key, i * 7)).toBe(i * 7));
    expect(index.size).toBe(keys.length);
    keys.forEach((key, i) => expect(index.get(key)).toBe(i * 7));
    // A key seen before keeps its first value.
    expect(index.setIfAbsent('INV-3', 1)).toBe(21);
    for (const missing of ['INV-1', 'inv-0', '', 'Fact\u00fcra 1 ', '20000']) expect(index.get(missing)).toBeUndefined();
  });

  it('forgets the entries added after a mark, and only those', () => {
    const index = new KeyIndex();
    for (let i = 0; i < 1000; i++) index.setIfAbsent(`A-${i}`, i);
    const mark = index.size;
    for (let i = 0; i < 1000; i++) index.setIfAbsent(`B-${i}`, i);
    index.truncate(mark);
    expect(index.size).toBe(1000);
    expect(index.get('A-999')).toBe(999);
    expect(index.get('B-0')).toBeUndefined();
    expect(index.setIfAbsent('B-0', 5)).toBe(5);
  });
});
