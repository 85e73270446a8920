import { portalLink, portalPayLink } from './portal-links';

describe('portal links', () => {
  it('builds the pay link the portal routes on, with the items in the order given', () => {
    expect(portalPayLink('https://ar.example.com/', 'd-1', ['i-1', 'i-2'])).toBe('https://ar.example.com/portal/#/pay/d-1?items=i-1,i-2');
  });

  it('leaves the item list out when there is none, and escapes what is not a plain id', () => {
    expect(portalPayLink('https://ar.example.com', 'd-1', [])).toBe('https://ar.example.com/portal/#/pay/d-1');
    expect(portalPayLink('https://ar.example.com', 'd/1', ['a&b'])).toBe('https://ar.example.com/portal/#/pay/d%2F1?items=a%26b');
  });

  it('keeps the token links as they were', () => {
    expect(portalLink('https://ar.example.com//', 'reset-password', 'a+b')).toBe('https://ar.example.com/portal/#/reset-password?token=a%2Bb');
  });
});
