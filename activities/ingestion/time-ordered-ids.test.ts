import { TimeOrderedIds } from './time-ordered-ids';

describe('TimeOrderedIds', () => {
  it('makes UUID version 7 ids carrying the time, in row order, distinct across generators of the same millisecond', () => {
    const at = Date.UTC(2026, 11, 3, 8, 0, 0);
    const first = new TimeOrderedIds(at);
    const second = new TimeOrderedIds(at);
    const rows = [1, 2, 3, 250, 65_536, 1_000_000, 2 ** 32 - 1];
    const ids = rows.map((row) => first.next(row));
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    }
    expect([...ids].sort()).toEqual(ids);
    const again = rows.map((row) => second.next(row));
    expect(again.filter((id) => ids.includes(id))).toEqual([]);
  });
});
