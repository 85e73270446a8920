import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { OPERATOR_PASSWORD } from './operator';
import { CUSTOMER_PASSWORD } from './portal';

/**
 * Browser tests of the console in Debian's Chromium (playwright-core, never a downloaded
 * browser). Each test opens its own context and signs in itself, so a dialog or drawer left
 * open by one test cannot catch the clicks of the next. Timeouts are generous because the
 * suite shares two cores with everything else: they only bound a hang, and every wait is on
 * something the operator would see.
 */
export const SCREENSHOTS = path.resolve(__dirname, '../../test-results');
export const VIEWPORT = { width: 1440, height: 900 };
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ACTION_TIMEOUT_MS = 60_000;
const NAVIGATION_TIMEOUT_MS = 120_000;

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** What the page itself complained about (uncaught errors, console errors), for a failure report. */
  errors: string[];
  close(): Promise<void>;
}

/** A fresh context and page; the browser sits in Berlin on purpose, dates must follow the dealer's zone. */
export async function openConsolePage(browser: Browser): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: VIEWPORT, timezoneId: 'Europe/Berlin', locale: 'en-US', acceptDownloads: true });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return { page, context, errors, close: () => context.close() };
}

/** Signs in through the form as a person does and waits for the console's menu. */
export async function signInToConsole(page: Page, baseUrl: string, email: string, password = OPERATOR_PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/admin/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('menuitem', { name: 'Customers' }).waitFor();
}

/** Signs a customer in to the portal through its form; waits for `landing` (a supplier's heading) when given. */
export async function signInToPortal(page: Page, baseUrl: string, email: string, landing?: string): Promise<void> {
  await page.goto(`${baseUrl}/portal/#/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(CUSTOMER_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (landing) await page.getByRole('heading', { name: landing }).waitFor();
}

/** A signed-in operator in a context of their own. */
export async function consoleAs(browser: Browser, baseUrl: string, email: string): Promise<ConsolePage> {
  const opened = await openConsolePage(browser);
  try {
    await signInToConsole(opened.page, baseUrl, email);
  } catch (error) {
    await opened.close();
    throw error;
  }
  return opened;
}

/** Closes what a test opened, reporting what the page logged, so failures read with it. */
export async function closeConsolePage(opened: ConsolePage | undefined, testName: string | undefined): Promise<void> {
  if (!opened) return;
  if (opened.errors.length) process.stderr.write(`page errors in "${testName}":\n${opened.errors.join('\n')}\n`);
  await opened.close().catch(() => undefined);
}

/**
 * Clicks a button that is below the fold, under a provider's cross-origin frame (Moov's Drop).
 * Chromium runs such a frame out of process and routes a click by the last frame it drew:
 * Playwright's scroll and click fall inside one frame, so the click lands on the card number
 * field where the frame was before the scroll, unheard by the page. A person sees the button
 * before clicking it; so does this.
 */
export async function clickOnceDrawn(button: Locator): Promise<void> {
  await button.scrollIntoViewIfNeeded();
  await button.page().evaluate(() => new Promise((drawn) => requestAnimationFrame(() => requestAnimationFrame(drawn))));
  await button.click();
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Waits until the element's text matches: the page updates after the data arrives. */
export async function expectText(locator: Locator, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  await locator.first().waitFor();
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await locator.first().innerText();
    if (pattern.test(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`expected ${pattern} in:\n${text}`);
}
