/**
 * Loads a provider's browser script (Moov's Drops, Plaid Link) once per page, from the URL
 * the API names: the vendor's own in production, the emulator's locally. A failed load is
 * forgotten so the next attempt tries again.
 */
const loads = new Map<string, Promise<void>>();

export function loadProviderScript(url: string): Promise<void> {
  const known = loads.get(url);
  if (known) return known;
  const loading = new Promise<void>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => {
      loads.delete(url);
      script.remove();
      reject(new Error('The payment service could not be reached. Check your connection and try again.'));
    };
    document.head.append(script);
  });
  loads.set(url, loading);
  return loading;
}
