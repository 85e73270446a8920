import { stateForZip } from './us-zip-state';

describe('stateForZip', () => {
  it.each([
    ['98101', 'WA'], ['60601', 'IL'], ['10001', 'NY'], ['06103', 'CT'], ['04101', 'ME'], ['02108', 'MA'],
    ['73301', 'TX'], ['73102', 'OK'], ['75201', 'TX'], ['20001', 'DC'], ['20190', 'VA'], ['90210', 'CA'],
    ['96813', 'HI'], ['99501', 'AK'], ['32801', 'FL'], ['80202', 'CO'], ['88510', 'TX'], ['97201', 'OR'],
    ['98101-1234', 'WA'], ['981011234', 'WA'],
  ])('%s is in %s', (zip, state) => {
    expect(stateForZip(zip)).toBe(state);
  });

  it.each([[''], ['9810'], ['ABCDE'], ['00001'], ['56800'], [null], [undefined]])('%p names no state', (zip) => {
    expect(stateForZip(zip)).toBeNull();
  });
});
