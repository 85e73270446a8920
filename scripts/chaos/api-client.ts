/**
 * The operator's and the customers' side of the chaos run: HTTP to the API as the console
 * and the portal send it, retried while the API process is down. A retry repeats the same
 * request (submissions carry their Idempotency-Key), so it may only ever see the first
 * answer again. Answers of 500 and above are counted: they are findings, not noise.
 */
export interface Answer {
  status: number;
  body: any;
}

export const serverErrors: Array<{ method: string; path: string; status: number; body: string }> = [];
export const counters = { connectionRetries: 0 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function call(baseUrl: string, method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; patienceMs?: number } = {}): Promise<Answer & { headers: Headers }> {
  const deadline = Date.now() + (options.patienceMs ?? 300_000);
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await response.text();
      if (response.status >= 500) {
        serverErrors.push({ method, path, status: response.status, body: text.slice(0, 300) });
        lastError = `HTTP ${response.status} ${text.slice(0, 200)}`;
        await sleep(1000);
        continue;
      }
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // Not JSON (a CSV, a PDF): the text is the answer.
      }
      return { status: response.status, body, headers: response.headers };
    } catch (error) {
      // The API was killed mid-request or is restarting.
      counters.connectionRetries += 1;
      lastError = error instanceof Error ? `${error.message}${(error as { cause?: { code?: string } }).cause?.code ? ` (${(error as { cause?: { code?: string } }).cause!.code})` : ''}` : String(error);
      await sleep(500);
    }
  }
  throw new Error(`${method} ${path} got no answer in time: ${lastError}`);
}

export class Session {
  constructor(readonly baseUrl: string, private readonly cookie: string, private readonly csrfToken: string) {}

  static async signIn(baseUrl: string, area: 'operator' | 'portal', email: string, password: string): Promise<Session> {
    const answer = await call(baseUrl, 'POST', `/api/${area}/auth/sign-in`, { body: { email, password } });
    if (answer.status !== 200) throw new Error(`${area} sign-in of ${email}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    const cookie = (answer.headers.get('set-cookie') ?? '').split(';')[0]!;
    return new Session(baseUrl, cookie, answer.body.csrfToken as string);
  }

  get(path: string): Promise<Answer> {
    return call(this.baseUrl, 'GET', path, { headers: { cookie: this.cookie } });
  }

  post(path: string, body: unknown = {}, headers: Record<string, string> = {}): Promise<Answer> {
    return call(this.baseUrl, 'POST', path, { body, headers: { cookie: this.cookie, 'x-csrf-token': this.csrfToken, ...headers } });
  }

  /** A POST that must succeed (2xx). */
  async must(path: string, body: unknown = {}, headers: Record<string, string> = {}): Promise<any> {
    const answer = await this.post(path, body, headers);
    if (answer.status >= 300) throw new Error(`POST ${path}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }
}
