// Lighthouse (mobile preset) on the pages people use every day: Today, a question of the
// assessment, its result and the journal, signed in, through Debian's chromium.
// BASE_URL, EMAIL and PASSWORD name a running server and an account on it; prints one line a
// page with the four category scores and exits non-zero when a goal is missed.
import lighthouse from 'lighthouse';
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BASE = process.env.BASE_URL;
const ARTIFACTS = process.env.ARTIFACTS ?? 'artifacts';
const PORT = 9300 + Math.floor(Math.random() * 500);
fs.mkdirSync(ARTIFACTS, { recursive: true });

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'securebase-lighthouse-'));
const chrome = spawn(process.env.CHROMIUM ?? '/usr/bin/chromium', [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync',
  '--disable-background-networking', '--disable-component-update', `--user-data-dir=${profile}`,
  `--remote-debugging-port=${PORT}`, 'about:blank'], { stdio: 'ignore' });

async function connect() {
  for (let i = 0; i < 100; i++) {
    try {
      return await chromium.connectOverCDP(`http://127.0.0.1:${PORT}`);
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('chromium did not start');
}

const browser = await connect();
const page = browser.contexts()[0].pages()[0] ?? await browser.contexts()[0].newPage();
// Sign in, then take the assessment to have a question and a result to measure.
await page.goto(`${BASE}/signin`);
await page.getByLabel('E-mail address').fill(process.env.EMAIL);
await page.getByLabel('Password').fill(process.env.PASSWORD);
await page.getByRole('button', { name: 'Sign in' }).click();
await page.waitForURL(/\/today/);
await page.goto(`${BASE}/assessment`);
await page.getByRole('button', { name: /Start/ }).click();
await page.waitForURL(/\/assessment\/[^/]+$/);
const question = page.url();
for (let i = 0; i < 40 && !page.url().endsWith('/result'); i++) {
  await page.locator('input[name="answer"]').nth(i % 7).check();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.waitForLoadState('load');
}
const result = page.url();
// The question page again, answered so far: open a fresh one for the measurement.
await page.goto(`${BASE}/assessment`);
await page.getByRole('button', { name: /Start/ }).click();
await page.waitForURL(/\/assessment\/[^/]+$/);
const freshQuestion = page.url();

const goals = { accessibility: 100, 'best-practices': 95, performance: 95 };
let missed = 0;
console.log('| page | performance | accessibility | best practices | SEO |');
console.log('|---|---|---|---|---|');
for (const [name, url] of [['Today', `${BASE}/today`], ['a question', freshQuestion || question],
  ['the result', result], ['the journal', `${BASE}/journal`]]) {
  const run = await lighthouse(url, {
    port: PORT, output: 'json', logLevel: 'error', disableStorageReset: true,
    onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
  });
  const c = run.lhr.categories;
  const score = (k) => Math.round(c[k].score * 100);
  fs.writeFileSync(path.join(ARTIFACTS, `lighthouse-${name.replace(/\W+/g, '-')}.json`), run.report);
  console.log(`| ${name} | ${score('performance')} | ${score('accessibility')} | ${score('best-practices')} | ${score('seo')} |`);
  for (const [k, goal] of Object.entries(goals)) {
    if (score(k) < goal) {
      missed++;
      const failing = Object.values(run.lhr.audits)
        .filter((a) => a.score !== null && a.score < 1 && run.lhr.categories[k].auditRefs.some((r) => r.id === a.id && r.weight > 0))
        .map((a) => a.id);
      console.log(`  ${name}: ${k} ${score(k)} < ${goal}: ${failing.join(', ')}`);
    }
  }
}
await browser.close().catch(() => {});
chrome.kill();
// Chromium may still be writing its profile for a moment after the kill: retry the removal.
fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
process.exit(missed ? 1 : 0);
