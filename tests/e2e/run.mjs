// Browser end-to-end tests: a person's path through SecureBase in Debian's chromium, with an
// axe-core accessibility check of every page. Prints "e2e: N passed, N failed".
import fhirPackage from 'fhir';
import { launchChromium, launchPersistentChromium } from './browser.mjs';
import os from 'node:os';
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const ARTIFACTS = process.env.ARTIFACTS ?? 'artifacts';
fs.mkdirSync(path.join(ARTIFACTS, 'pages'), { recursive: true });

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
function expect(cond, message) {
  if (!cond) throw new Error(message);
}

async function axeCheck(page, label) {
  await page.addScriptTag({ path: AXE_PATH });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    return await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] });
  });
  const bad = result.violations;  // any impact: minor and moderate findings fail too
  expect(bad.length === 0,
    `${label}: ${bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('; ')}`);
}

const email = `e2e-${Date.now()}@example.org`;
const password = 'a calm and long password';

// The server writes its mail into MAIL_DIR (serve --mail-folder): the newest message to an
// address, as a person would open it in their inbox.
const MAIL_DIR = process.env.MAIL_DIR;
function newestMailTo(address) {
  const files = fs.readdirSync(MAIL_DIR).sort().reverse();
  for (const f of files) {
    const text = fs.readFileSync(path.join(MAIL_DIR, f), 'utf8');
    if (text.includes(`\r\nTo: ${address}\r\n`)) return text;
  }
  return '';
}

// Signing up as a person does: the form, the link in the mail, the button on the link's page.
async function signUp(page, address = email, { shots = false } = {}) {
  await page.goto(`${BASE}/signup`);
  // The suite signs up many people from one address quickly; when sign-ups from here are
  // throttled, wait as the page says and send the form again, as a person would.
  for (let attempt = 1; ; attempt++) {
    await page.getByLabel('E-mail address').fill(address);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Password again').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await Promise.race([
      page.waitForURL(/\/signup\/sent/),
      page.getByText(/Too many new accounts from here/).waitFor(),
    ]);
    if (/\/signup\/sent/.test(page.url())) break;
    const wait = (await page.content()).match(/Too many new accounts from here\. Please wait (\d+) second/);
    expect(wait && attempt < 5, `sign-up for ${address} did not go through (${page.url()})`);
    await page.waitForTimeout((Number(wait[1]) + 1) * 1000);
  }
  if (shots) {
    await axeCheck(page, '/signup/sent');
    await shoot(page, 'signup-sent');
  }
  const link = newestMailTo(address).match(/https?:\/\/\S+\/signup\/confirm\/[A-Za-z0-9_-]+/);
  expect(link, `no sign-up link was mailed to ${address}`);
  await page.goto(link[0]);
  if (shots) {
    await axeCheck(page, 'sign-up link page');
    await shoot(page, 'signup-confirm');
  }
  await page.getByRole('button', { name: 'Create my account' }).click();
  await page.waitForURL(/\/today\?welcome=1/);
}

// Signing out from the menu, where the button lives on every screen size.
async function signOut(page) {
  await page.goto(`${BASE}/menu`);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${BASE}/`);
}

async function signIn(page, address = email, pw = password) {
  await page.goto(`${BASE}/signin`);
  await page.getByLabel('E-mail address').fill(address);
  await page.getByLabel('Password').fill(pw);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

// RFC 6238 as authenticator apps do it: HMAC-SHA1 over the 30-second step, six digits.
function totp(secretBase32, unixSeconds = Date.now() / 1000) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = crypto.createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, '0');
}

// Turns two-factor on from the page and returns the key, as a person with an app would.
async function enableTwoFactor(page) {
  await page.goto(`${BASE}/account/two-factor`);
  const secret = (await page.locator('code.secret').innerText()).trim();
  await page.getByLabel('Code from your app').fill(totp(secret));
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await page.waitForSelector('ul.recovery-codes');
  return secret;
}

async function shoot(page, name) {
  for (const [w, h] of [[390, 844], [1280, 800]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${w}.png`), fullPage: true });
  }
}

test('public pages pass axe with no violations of any impact', async (page) => {
  for (const p of ['/', '/understanding', '/help', '/privacy', '/not-a-diagnosis', '/signin', '/signup', '/no-such-page',
    '/how-we-rank', '/therapists']) {
    await page.goto(`${BASE}${p}`);
    await axeCheck(page, p);
    // Screenshots of what a visitor sees before signing in.
    const name = `public-${p.replace(/^\//, '').replace(/[^A-Za-z0-9]+/g, '-') || 'home'}`;
    for (const [w, h] of [[390, 844], [1280, 800]]) {
      await page.setViewportSize({ width: w, height: h });
      await page.screenshot({ path: path.join(ARTIFACTS, 'pages', `${name}-${w}.png`), fullPage: true });
    }
  }
});

test('every page links to Get help now and says it is not a diagnosis', async (page) => {
  for (const p of ['/', '/understanding', '/privacy', '/signin']) {
    await page.goto(`${BASE}${p}`);
    expect(await page.locator('footer a[href="/help"]').count() > 0, `${p}: no help link in footer`);
    expect((await page.locator('footer').innerText()).includes('not a diagnosis'), `${p}: no notice`);
  }
});

test('sign up shows field errors, keeps input and passes axe', async (page) => {
  await page.goto(`${BASE}/signup`);
  await page.getByLabel('E-mail address').fill('someone@example.org');
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByLabel('Password again').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  expect((await page.getByRole('alert').innerText()).includes('at least 10 characters'), 'no error shown');
  expect(await page.getByLabel('E-mail address').inputValue() === 'someone@example.org', 'input lost');
  await axeCheck(page, 'signup with errors');
});

test('signing up with a taken address looks the same and mails its owner', async (page) => {
  const taken = `taken-${Date.now()}@example.org`;
  await signUp(page, taken);
  await signOut(page);
  await page.goto(`${BASE}/signup`);
  await page.getByLabel('E-mail address').fill(taken);
  await page.getByLabel('Password', { exact: true }).fill('a different long password');
  await page.getByLabel('Password again').fill('a different long password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/signup\/sent/);
  expect((await page.locator('h1').innerText()) === 'Check your e-mail', 'the same page as for a new address');
  const mail = newestMailTo(taken);
  expect(mail.includes('already has an account') && !mail.includes('/signup/confirm/'), 'the owner is told, with no link');
});

test('sign up, sign out, sign in', async (page) => {
  await signUp(page, email, { shots: true });
  expect((await page.locator('.notice').innerText()).includes('Your account is ready'), 'a new account lands on Today');
  await page.goto(`${BASE}/account`);
  expect((await page.locator('.account-email').innerText()) === email, 'account page shows the address');
  await axeCheck(page, '/account');
  await signOut(page);
  expect(await page.getByRole('link', { name: 'Sign in' }).count() === 1, 'signed out');
  await signIn(page, email, 'wrong password here');
  expect((await page.getByRole('alert').innerText()).includes('do not match'), 'wrong password refused');
  await signIn(page);
  await page.waitForURL(/\/today/);
  await page.goto(`${BASE}/account`);
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name.endsWith('sb_session'));
  expect(session && session.httpOnly && session.sameSite === 'Lax', 'session cookie is HttpOnly and Lax');
});

test('export downloads my data as JSON and as CSV', async (page) => {
  await signIn(page);
  await page.waitForURL(/\/today/);
  await page.goto(`${BASE}/account`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export my data (JSON)' }).click(),
  ]);
  const file = path.join(ARTIFACTS, 'export.json');
  await download.saveAs(file);
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  expect(doc.account.email === email, 'export holds my account');
  expect(Array.isArray(doc.sessions) && doc.sessions.length >= 1, 'export lists sessions');
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export my data (CSV)' }).click(),
  ]);
  const csvFile = path.join(ARTIFACTS, 'export.csv');
  await csv.saveAs(csvFile);
  const rows = fs.readFileSync(csvFile, 'utf8').split('\r\n');
  expect(rows[0] === 'section,item,field,value', 'CSV header');
  expect(rows.includes(`account,,email,${email}`), 'CSV holds my account');
});

test('screenshots at phone and desktop widths', async (page) => {
  for (const [name, width, height] of [['phone', 390, 844], ['desktop', 1280, 900]]) {
    await page.setViewportSize({ width, height });
    await page.goto(`${BASE}/`);
    await page.screenshot({ path: path.join(ARTIFACTS, `home-${name}.png`), fullPage: true });
    await page.goto(`${BASE}/understanding`);
    await page.screenshot({ path: path.join(ARTIFACTS, `understanding-${name}.png`), fullPage: true });
  }
});

test('keyboard: skip link is the first stop and focus is visible', async (page) => {
  await page.goto(`${BASE}/`);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
  expect(focused === 'Skip to main content', `first tab stop was "${focused}"`);
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  expect(outline !== 'none', 'focus outline is visible');
});

test('delete account erases it', async (page) => {
  await signIn(page);
  await page.waitForURL(/\/today/);
  await page.goto(`${BASE}/account`);
  await page.getByLabel('Your password, to confirm').fill('not my password');
  await page.getByRole('button', { name: 'Delete my account and all my data' }).click();
  expect((await page.getByRole('alert').innerText()).includes('nothing was deleted'), 'wrong password refused');
  await page.getByLabel('Your password, to confirm').fill(password);
  await page.getByRole('button', { name: 'Delete my account and all my data' }).click();
  await page.waitForURL(/deleted=1/);
  expect((await page.getByRole('status').innerText()).includes('has been deleted'), 'confirmation shown');
  await signIn(page);
  expect((await page.getByRole('alert').innerText()).includes('do not match'), 'account is gone');
});

// ---------------------------------------------------------------- the assessment

const bank = JSON.parse(fs.readFileSync(new URL('../../content/instruments/securebase-relationships.json', import.meta.url)));
const reverse = new Map(bank.items.map((i) => [i.id, i.reverse]));

// A persona agrees strongly with statements of the dimensions it is high on (and disagrees
// with the reverse-keyed ones), and the other way round where it is low.
function personaAnswer(persona, itemId) {
  const high = itemId.startsWith('ANX') ? persona.anxiety : persona.avoidance;
  const agree = high !== reverse.get(itemId);
  return agree ? 7 : 1;
}

async function currentItem(page) {
  return page.locator('input[name="item"]').inputValue();
}

async function answerUntilResult(page, persona, { keyboard = false } = {}) {
  for (let step = 0; step < 30; step++) {
    if (page.url().endsWith('/result')) return;
    const item = await currentItem(page);
    const value = personaAnswer(persona, item);
    if (keyboard) {
      await page.locator(`#answer-${value}`).focus();
      await page.keyboard.press('Space');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    } else {
      await page.locator(`label[for="answer-${value}"]`).click();
      await page.getByRole('button', { name: 'Next' }).click();
    }
    await page.waitForLoadState('domcontentloaded');
  }
  throw new Error('the assessment did not end within 30 questions');
}

async function startAssessment(page, consent = false) {
  await page.goto(`${BASE}/assessment`);
  if (consent) await page.getByLabel(/You may use my answers/).check();
  await page.getByRole('button', { name: 'Start the assessment' }).click();
  await page.waitForURL(/\/assessment\/[A-Za-z0-9_-]+$/);
}

const personas = [
  { name: 'low anxiety, low avoidance', anxiety: false, avoidance: false, style: 'Secure' },
  { name: 'high anxiety', anxiety: true, avoidance: false, style: 'Anxious-preoccupied' },
  { name: 'high avoidance', anxiety: false, avoidance: true, style: 'Avoidant-dismissive' },
  { name: 'high anxiety and avoidance', anxiety: true, avoidance: true, style: 'Fearful-avoidant' },
];
for (const persona of personas) {
  test(`assessment persona (${persona.name}) sees ${persona.style}`, async (page) => {
    await startAssessment(page, true);
    await answerUntilResult(page, persona);
    const lead = await page.locator('.lead').innerText();
    expect(lead.includes(`fit the ${persona.style} pattern best`), `result says: ${lead}`);
    expect(await page.locator('svg.attachment-map').count() === 1, 'the map is drawn');
  });
}

test('assessment pages pass axe; result screenshots at phone and desktop widths', async (page) => {
  await page.goto(`${BASE}/assessment`);
  await axeCheck(page, '/assessment');
  await startAssessment(page);
  await axeCheck(page, 'question page');
  await answerUntilResult(page, personas[1]);
  await axeCheck(page, 'result page');
  for (const [name, width, height] of [['phone', 390, 844], ['desktop', 1280, 900]]) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: path.join(ARTIFACTS, `result-${name}.png`), fullPage: true });
  }
});

test('assessment by keyboard only', async (page) => {
  await startAssessment(page);
  await answerUntilResult(page, personas[2], { keyboard: true });
  expect((await page.locator('.lead').innerText()).includes('Avoidant-dismissive'), 'keyboard run reaches the result');
});

test('change the last answer', async (page) => {
  await startAssessment(page);
  const first = await currentItem(page);
  await page.locator('label[for="answer-2"]').click();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Change my previous answer' }).click();
  expect(await currentItem(page) === first, 'back on the first question');
  expect(await page.locator('#answer-2').isChecked(), 'the earlier answer is shown');
  await page.locator('label[for="answer-6"]').click();
  await page.getByRole('button', { name: 'Next' }).click();
  expect(await page.locator('form[action$="/answer"] input[name="position"]').inputValue() === '1', 'moved on to question 2');
});

test('resume after closing the browser, then keep the result by signing up', async (page) => {
  await startAssessment(page);
  for (let i = 0; i < 3; i++) {
    await page.locator('label[for="answer-4"]').click();
    await page.getByRole('button', { name: 'Next' }).click();
  }
  const url = page.url();
  const state = await page.context().storageState();
  await page.context().close();
  const context = await browser.newContext({ bypassCSP: true, storageState: state });
  const again = await context.newPage();
  await again.goto(url);
  expect(await again.locator('form[action$="/answer"] input[name="position"]').inputValue() === '3', 'resumed at question 4');
  await answerUntilResult(again, personas[0]);
  const resultUrl = again.url();
  await signUp(again, `resume-${Date.now()}@example.org`);
  await again.goto(`${BASE}/assessments`);
  expect(await again.locator('ol.history li').count() === 1, 'the anonymous result moved to the account');
  expect(await again.locator('svg.history-chart').count() === 1, 'history chart is drawn');
  await axeCheck(again, '/assessments');
  await again.goto(resultUrl);
  expect((await again.locator('.lead').innerText()).includes('Secure'), 'result still reachable');
  await context.close();
});

// ---------------------------------------------------------------- the journal

test('journal: quick and full entries, search, crisis help, axe', async (page) => {
  await signUp(page, `journal-${Date.now()}@example.org`);
  await page.goto(`${BASE}/journal`);
  await axeCheck(page, '/journal');
  await page.getByRole('link', { name: 'Quick entry (under a minute)' }).click();
  await axeCheck(page, 'quick entry form');
  await page.getByLabel('What happened?').fill('A friend cancelled our plans');
  // A chip names the feeling; its strength appears once it is chosen.
  expect(!(await page.getByLabel('How strongly disappointed, 0 to 10').isVisible()), 'no number before the chip');
  await page.locator('label.chip', { hasText: 'disappointed' }).click();
  await page.getByLabel('How strongly disappointed, 0 to 10').fill('6');
  await page.locator('label.chip', { hasText: 'lonely' }).click();
  const save = await page.getByRole('button', { name: 'Save entry' }).boundingBox();
  await page.setViewportSize({ width: 390, height: 844 });
  const onPhone = await page.getByRole('button', { name: 'Save entry' }).boundingBox();
  await shoot(page, 'journal-quick');
  // Above the bottom bar (56 px) of a 390x844 phone.
  expect(onPhone.y + onPhone.height <= 844 - 56, `the quick entry's Save is on a phone's first screen (${onPhone.y})`);
  await page.setViewportSize({ width: 1280, height: 800 });
  expect(save !== null, 'Save shows');
  await page.getByRole('button', { name: 'Save entry' }).click();
  expect((await page.getByRole('status').innerText()).includes('saved'), 'quick entry saved');
  await axeCheck(page, 'entry page');
  await page.goto(`${BASE}/journal/new?kind=full`);
  await page.getByLabel('What happened?').fill('Long talk with my brother');
  await page.getByLabel('What was your first thought?').fill('he thinks I am a burden');
  await page.getByLabel('What did you feel like doing?').fill('I wanted to hurt myself');
  await page.getByRole('button', { name: 'Save entry' }).click();
  expect(await page.locator('aside.crisis').count() === 1, 'help shown beside a worrying entry');
  await page.goto(`${BASE}/journal?q=friend`);
  expect((await page.locator('ul.entries li').count()) === 1, 'search finds one entry');
  await page.goto(`${BASE}/journal?q=lonely`);
  expect((await page.locator('ul.entries li').count()) === 1, 'search finds a feeling named by a chip');
});

test('skills: library, a calm breathing screen, sliders, practice log, axe', async (page) => {
  await signUp(page, `skills-${Date.now()}@example.org`);
  await page.goto(`${BASE}/skills`);
  await axeCheck(page, '/skills');
  await page.clock.install();  // the guide's timers run on a clock the test moves
  await page.getByRole('link', { name: 'Slow breathing' }).click();
  expect(await page.locator('.breath-4-6').count() === 1, 'paced timer present');
  const animation = () => page.locator('.breath').evaluate((e) => getComputedStyle(e).animationName);
  expect(await animation() === 'none', 'the circle is still until Start');
  await page.setViewportSize({ width: 390, height: 844 });
  const circle = await page.locator('.breathing-timer').boundingBox();
  expect(circle.height >= 250, `the circle is large on a phone: ${Math.round(circle.height)} px`);
  await shoot(page, 'breathing-still');
  await page.locator('label[for="minutes-1"]').click();
  await page.getByRole('button', { name: 'Start breathing' }).click();
  expect(await animation() !== 'none', 'the circle moves once started');
  expect((await page.locator('.breath-cue').innerText()) === 'Breathe in', 'guide starts with breathing in');
  expect((await page.locator('.breath-left').innerText()) === '1:00 left', 'one minute chosen');
  await page.clock.runFor(4300);
  expect((await page.locator('.breath-cue').innerText()) === 'Breathe out', 'guide moves to breathing out after 4 s');
  await shoot(page, 'breathing-running');
  await page.clock.runFor(57000);
  expect(await page.locator('.breath-done').isVisible(), 'a completion view after the minute');
  expect((await page.locator('.breath-done').innerText()).includes('Done: 1 minute'), 'completion says how long');
  expect(await page.evaluate(() => document.activeElement.className) === 'breath-done', 'focus moves to it');
  await shoot(page, 'breathing-done');
  await axeCheck(page, 'skill page');
  await page.getByRole('link', { name: 'Log how you feel now' }).click();
  // Sliders, their numbers shown beside them.
  await page.getByLabel('Distress before').fill('7');
  await page.getByLabel('Distress after').fill('4');
  expect((await page.locator('output[for="before"]').innerText()) === '7', 'slider shows its number');
  await page.getByRole('button', { name: 'Log practice' }).click();
  expect((await page.getByRole('status').innerText()).includes('logged'), 'practice logged');
  const main = await page.locator('main').innerText();
  expect(main.includes('dropped by 3.0'), 'average drop shown');
  expect(/distress 7 → 4/.test(main) && !main.includes('4;'), 'the log reads as a sentence');
});

test('weekly check-in: answer nine statements, see the chart, axe', async (page) => {
  await signUp(page, `checkin-${Date.now()}@example.org`);
  await page.goto(`${BASE}/checkin`);
  await axeCheck(page, '/checkin');
  await shoot(page, 'checkin');
  await page.setViewportSize({ width: 390, height: 844 });
  const form = await page.locator('form[action="/checkin"]').boundingBox();
  expect(form.height < 2000, `one compact row a statement: the form is ${Math.round(form.height)} px tall on a phone`);
  console.log(`     check-in form on a 390 px phone: ${Math.round(form.height)} px tall`);
  for (const id of ['acc1', 'acc2', 'acc3', 'beh1', 'beh2', 'beh3', 'mea1', 'mea2', 'mea3']) {
    await page.locator(`label[for="${id}-3"]`).click();
  }
  await page.getByRole('button', { name: "Save this week's check-in" }).click();
  expect((await page.getByRole('status').innerText()).includes('saved'), 'check-in saved');
  expect(await page.locator('svg.history-chart').count() === 1, 'chart drawn');
  // The results come first after saving, not below the form.
  const chart = await page.locator('svg.history-chart').boundingBox();
  expect(chart.y < 844, `the chart is on the first screen after saving (${Math.round(chart.y)} px)`);
  await axeCheck(page, '/checkin with history');
  await shoot(page, 'checkin-saved');
});

// ---------------------------------------------------------------- mindful responding and consistency

test('pause and reconsider: an exercise with its follow-up and the recurring summary, axe', async (page) => {
  await signUp(page, `reconsider-${Date.now()}@example.org`);
  await page.goto(`${BASE}/reconsider`);
  await axeCheck(page, '/reconsider (empty)');
  await page.getByRole('link', { name: 'Start an exercise' }).click();
  await axeCheck(page, 'reconsider form');
  await page.getByLabel(/What happened\?/).fill('My partner answered my long message with one word');
  await page.getByLabel('They are pushing me away.').check();
  await page.getByLabel('What supports this interpretation?').fill('Usually they write more');
  await page.getByLabel('Another explanation (1)').fill('They were in a meeting');
  await page.getByLabel('Another explanation (2)').fill('They meant to answer properly tonight');
  await page.getByLabel('What supports explanation 2?').fill('They often reply in the evening');
  await page.getByLabel(/the urge/).fill('Send another message asking what is wrong');
  await page.getByLabel('The response I choose instead').fill('Wait until evening and ask about their day');
  await page.getByRole('button', { name: 'Save, and follow up later' }).click();
  expect((await page.getByRole('status').innerText()).includes('Saved'), 'exercise saved');
  await axeCheck(page, 'exercise page');
  await page.getByLabel('What happened after you responded?').fill('We had a warm chat after dinner');
  await page.getByLabel('Better than acting on the urge would have').check();
  await page.getByRole('button', { name: 'Save follow-up' }).click();
  expect((await page.getByRole('status').innerText()).includes('follow-up is saved'), 'follow-up saved');
  await page.goto(`${BASE}/reconsider`);
  const main = await page.locator('main').innerText();
  expect(main.includes('They are pushing me away. (1×)'), 'recurring interpretation listed');
  expect(main.includes('Of the 1 you followed up, 1 went better'), 'outcome summary shown');
  await axeCheck(page, '/reconsider with a summary');
});

test('weekly plan: practices, a gentle streak, the private calendar feed, axe', async (page) => {
  await signUp(page, `plan-${Date.now()}@example.org`);
  await page.goto(`${BASE}/plan`);
  await axeCheck(page, '/plan (empty)');
  // An empty plan offers one picker, not every skill's fields.
  expect(await page.locator('form[action="/plan/add"] input, form[action="/plan/add"] select').count() < 15,
         'the empty plan is one short form');
  await page.locator('#add_skill').selectOption('name-the-feeling');
  await page.locator('#add_times').fill('2');
  await page.locator('label[for="day_new_0"]').click();
  await page.locator('label[for="day_new_3"]').click();
  await page.locator('#add_time').fill('08:15');
  await page.getByRole('button', { name: 'Add to my plan' }).click();
  expect((await page.getByRole('status').first().innerText()).includes('Added'), 'skill added');
  expect(await page.locator('#add_skill option[value="name-the-feeling"]').count() === 0,
         'a chosen skill leaves the picker');
  // A second one, then taken out again.
  await page.locator('#add_skill').selectOption('slow-breathing');
  await page.getByRole('button', { name: 'Add to my plan' }).click();
  expect(await page.locator('#remove_slow-breathing').count() === 1, 'second skill listed');
  await shoot(page, 'plan-two-skills');
  await page.locator('label[for="remove_slow-breathing"]').click();
  await page.getByLabel('Remind me of the weekly check-in on').selectOption({ label: 'Sunday' });
  await page.getByRole('button', { name: 'Save changes' }).click();
  expect((await page.getByRole('status').first().innerText()).includes('plan is saved'), 'plan saved');
  expect(await page.locator('#remove_slow-breathing').count() === 0, 'taken out of the plan');
  expect(await page.locator('#times_name-the-feeling').inputValue() === '2', 'first skill kept');
  expect((await page.locator('.streak-now').innerText()).includes('fresh start'), 'gentle start');
  await page.goto(`${BASE}/skills/name-the-feeling`);
  await page.getByLabel(/Distress before/).fill('6');
  await page.getByLabel('Distress after').fill('4');
  await page.getByRole('button', { name: 'Log practice' }).click();
  await page.goto(`${BASE}/plan`);
  expect((await page.locator('.streak-now').innerText()).includes('1 week in a row'), 'streak counts half a plan');
  await page.getByRole('button', { name: 'Create my calendar address' }).click();
  const url = await page.getByLabel('Your private calendar address').inputValue();
  expect(/\/calendar\/[A-Za-z0-9_-]{40,}\.ics$/.test(url), `feed address: ${url}`);
  await axeCheck(page, '/plan with a streak and a feed');
  const ics = await fetch(url);  // a calendar app: no cookies
  const body = await ics.text();
  expect(ics.status === 200 && body.includes('RRULE:FREQ=WEEKLY;BYDAY=MO,TH'), 'feed has the plan');
  expect(body.includes('T081500'), 'feed keeps the chosen time');
  await page.getByRole('button', { name: 'Turn off calendar reminders' }).click();
  expect((await fetch(url)).status === 404, 'revoked feed is gone');
});

test('progress dashboard: every chart after using the tools, axe', async (page) => {
  await signUp(page, `progress-${Date.now()}@example.org`);
  await page.goto(`${BASE}/journal/new`);
  await page.getByLabel('What happened?').fill('Felt left out at lunch');
  await page.locator('label.chip', { hasText: 'lonely' }).click();
  await page.getByLabel('How strongly lonely, 0 to 10').fill('6');
  await page.getByRole('button', { name: 'Save entry' }).click();
  await page.goto(`${BASE}/skills/slow-breathing`);
  await page.getByLabel(/Distress before/).fill('7');
  await page.getByLabel('Distress after').fill('3');
  await page.getByRole('button', { name: 'Log practice' }).click();
  await page.goto(`${BASE}/checkin`);
  for (const id of ['acc1', 'acc2', 'acc3', 'beh1', 'beh2', 'beh3', 'mea1', 'mea2', 'mea3']) {
    await page.locator(`label[for="${id}-4"]`).click();
  }
  await page.getByRole('button', { name: "Save this week's check-in" }).click();
  await page.getByRole('link', { name: 'Progress' }).click();
  await page.waitForURL(/\/progress/);
  for (const id of ['practice', 'drops', 'feelings', 'journal', 'checkin']) {
    expect(await page.locator(`svg[aria-labelledby="${id}-title"]`).count() === 1, `${id} chart drawn`);
  }
  expect((await page.locator('main').innerText()).includes('1 practice logged in all'), 'total shown');
  await axeCheck(page, '/progress');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(ARTIFACTS, 'progress-phone.png'), fullPage: true });
});

test('journal calendar: entries by day, link to the day, axe', async (page) => {
  await signUp(page, `calendar-${Date.now()}@example.org`);
  await page.goto(`${BASE}/journal/new`);
  await page.getByLabel('What happened?').fill('A good morning');
  await page.getByRole('button', { name: 'Save entry' }).click();
  await page.goto(`${BASE}/journal`);
  await page.getByRole('link', { name: 'Calendar view' }).click();
  await axeCheck(page, '/journal/calendar');
  await page.getByRole('link', { name: /: 1 entry$/ }).click();
  expect((await page.locator('ul.entries li').count()) === 1, 'the day lists its entry');
});

test('two-factor sign-in, re-authentication, and an administrator\'s look in my access list, axe', async (page) => {
  const member = `e2e-2fa-${Date.now()}@example.org`;
  await signUp(page, member);
  await page.goto(`${BASE}/account/two-factor`);
  await axeCheck(page, '/account/two-factor');
  expect((await page.locator('.qr svg').count()) === 1, 'the QR code is drawn');
  await shoot(page, 'two-factor');
  const secret = await enableTwoFactor(page);
  await axeCheck(page, 'recovery codes');
  expect((await page.locator('ul.recovery-codes li').count()) === 10, 'ten recovery codes');
  const recovery = (await page.locator('ul.recovery-codes li').first().innerText()).trim();
  await signOut(page);
  // Signing in now asks for a code after the password; a recovery code works once.
  await signIn(page, member);
  await page.waitForURL(/\/signin\/code/);
  await axeCheck(page, '/signin/code');
  await shoot(page, 'signin-code');
  await page.getByLabel('Code').fill('000000');
  await page.getByRole('button', { name: 'Sign in' }).click();
  expect((await page.getByRole('alert').innerText()).includes('not right'), 'a wrong code is refused');
  await page.getByLabel('Code').fill(recovery);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/today$/);
  await page.goto(`${BASE}/account`);
  expect((await page.locator('.account-email').innerText()) === member, 'signed in with a recovery code');

  // An administrator must turn on two-factor before seeing anyone; then looks at the member.
  const admin = await page.context().browser().newContext({ bypassCSP: true });
  const a = await admin.newPage();
  await signIn(a, process.env.ADMIN_EMAIL, process.env.ADMIN_PASSWORD);
  await a.goto(`${BASE}/admin`);
  await a.waitForURL(/\/account\/two-factor\?required=1/);
  expect((await a.locator('.notice').innerText()).includes('turn on two-factor'), 'says why');
  await enableTwoFactor(a);
  await a.goto(`${BASE}/admin`);
  await axeCheck(a, '/admin');
  await shoot(a, 'admin');
  await a.getByRole('link', { name: member }).click();
  await axeCheck(a, '/admin/members/{member}');
  expect((await a.locator('dl.facts').innerText()).includes(member), 'the member page');
  await admin.close();

  await page.goto(`${BASE}/account/access`);
  await axeCheck(page, '/account/access');
  await shoot(page, 'access');
  const rows = await page.locator('table tbody tr').allInnerTexts();
  expect(rows.length === 1 && rows[0].includes('An administrator') && rows[0].includes('looking after the service'),
    `the administrator's look is listed: ${rows.join(' | ')}`);

  // Downloading the export needs a password or code from the last ten minutes: confirm with a code.
  await page.goto(`${BASE}/account/confirm?then=/account`);
  await axeCheck(page, '/account/confirm');
  await page.getByLabel('Or a code from your authenticator app').fill(totp(secret, Date.now() / 1000 + 30));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.waitForURL(/\/account$/);
});

test('answer cards: one card per answer with its circle inside, no overflow on a phone', async (page) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${BASE}/assessment`);
  await page.getByRole('button', { name: /Start/ }).click();
  await page.waitForURL(/\/assessment\/[^/]+$/);
  const cards = page.locator('label.option');
  expect((await cards.count()) === 7, 'seven answer cards');
  for (let i = 0; i < 7; i++) {
    const card = await cards.nth(i).boundingBox();
    const circle = await cards.nth(i).locator('input').boundingBox();
    expect(card.x >= 0 && card.x + card.width <= 390, `card ${i + 1} stays on the screen`);
    expect(circle.x > card.x && circle.x + circle.width < card.x + card.width &&
           circle.y > card.y && circle.y + circle.height < card.y + card.height,
    `circle ${i + 1} sits inside its card`);
  }
  // The whole card answers: a click on its text picks it.
  await cards.nth(2).locator('span').click();
  expect(await cards.nth(2).locator('input').isChecked(), 'clicking the card picks the answer');
  await shoot(page, 'question-cards');
});

// The directory (tests/e2e/directory.jsonl is imported before the server starts): three
// listings in Chicago, one telehealth listing in Texas, one register listing to claim.
async function noSidewaysScroll(page, label) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width <= 390, `${label}: the page is ${width} px wide on a 390 px phone`);
}

test('assessment on a phone: the question is the h1, answers and Next on the first screen, focus on the question', async (page) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${BASE}/assessment`);
  await page.getByRole('button', { name: /Start/ }).click();
  await page.waitForURL(/\/assessment\/[^/]+$/);
  const lowest = [];
  for (let q = 0; q < 12; q++) {
    expect((await page.locator('h1').count()) === 1, `question ${q + 1} has one h1`);
    expect((await page.locator('h1').innerText()).length > 10, 'the h1 is the statement');
    const next = await page.getByRole('button', { name: 'Next' }).boundingBox();
    lowest.push(Math.round(next.y + next.height));
    expect(next.y + next.height <= 844, `question ${q + 1}: Next ends at ${next.y + next.height} px, below the screen`);
    // Focus starts on the answers: one Tab-free step to answer by keyboard.
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.name);
    expect(focused === 'answer', `question ${q + 1}: focus starts on the answers (was ${focused})`);
    await page.keyboard.press('ArrowDown');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.waitForLoadState('load');
    if (page.url().endsWith('/result')) break;
  }
  console.log(`     Next button's lowest edge on a 390x844 phone: ${Math.max(...lowest)} px`);
});

test('directory: ZIP, radius and approach; filters combine; telehealth for a state; a listing; axe; phone', async (page) => {
  await page.goto(`${BASE}/therapists`);
  await axeCheck(page, '/therapists');
  await page.getByLabel('Near').fill('60614');
  await page.selectOption('#radius', '10');
  await page.selectOption('#unit', 'km');
  await page.locator('summary', { hasText: 'More filters' }).click();
  await page.getByLabel('Emotionally focused therapy (EFT)').check();
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/place=60614/);
  let cards = await page.locator('ol.directory-results li').allInnerTexts();
  expect(cards.length === 1 && cards[0].includes('Avery Secure'), `EFT near 60614: ${cards.join(' | ')}`);
  expect(cards[0].includes('Emotionally focused therapy (EFT) · 1.3 km · not yet confirmed by the therapist'),
    `the card says why it matched: ${cards[0]}`);
  expect(!cards[0].includes('\n· '), `no stray separator: ${cards[0]}`);
  await axeCheck(page, '/therapists results');
  await shoot(page, 'therapists-results');

  // Without the approach all four Chicago listings; with "accepting" and CBT only Jordan.
  await page.goto(`${BASE}/therapists?place=60614&radius=10&unit=km`);
  expect((await page.locator('ol.directory-results li').count()) === 4, 'four listings near 60614');
  await page.goto(`${BASE}/therapists?place=60614&radius=10&unit=km&accepting=1&approach=cbt`);
  cards = await page.locator('ol.directory-results li').allInnerTexts();
  expect(cards.length === 1 && cards[0].includes('Jordan Steady'), `accepting + CBT: ${cards.join(' | ')}`);

  // Telehealth for Texas finds the Austin listing and nobody in Chicago without a Texas licence.
  await page.goto(`${BASE}/therapists`);
  await page.selectOption('#state', 'TX');
  await page.getByRole('button', { name: 'Search' }).click();
  cards = await page.locator('ol.directory-results li').allInnerTexts();
  expect(cards.length === 1 && cards[0].includes('Riley Faraway') && cards[0].includes('telehealth in TX'),
    `telehealth in TX: ${cards.join(' | ')}`);

  // A listing page with its contact channels.
  await page.goto(`${BASE}/therapists?place=Chicago%2C%20IL&radius=25&q=couples`);
  await page.getByRole('link', { name: 'Avery Secure' }).click();
  await page.waitForURL(/\/therapists\/\d+$/);
  expect((await page.locator('h1').innerText()).startsWith('Avery Secure'), 'the listing page');
  expect((await page.locator('ul.contact').innerText()).includes('(312) 555-0101'), 'the phone number');
  await axeCheck(page, '/therapists/{id}');
  await shoot(page, 'therapist');
  await page.goto(`${BASE}/how-we-rank`);
  await axeCheck(page, '/how-we-rank');
  await shoot(page, 'how-we-rank');

  // On a phone nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  for (const p of ['/therapists', '/therapists?place=60614&radius=10&unit=km']) {
    await page.goto(`${BASE}${p}`);
    await noSidewaysScroll(page, p);
  }
});

test('directory: a clinician claims a listing, an administrator verifies it, the clinician edits it; axe', async (page) => {
  const clinician = `e2e-clinician-${Date.now()}@example.org`;
  await signUp(page, clinician);
  await enableTwoFactor(page);
  await page.goto(`${BASE}/clinician`);
  await axeCheck(page, '/clinician');
  await page.getByLabel('Your NPI').fill('1234567893');
  await page.getByLabel('Your licence number').fill('LCSW 4711');
  await page.getByRole('button', { name: 'Send the claim' }).click();
  await page.waitForURL(/\/clinician\?claimed=1/);
  expect((await page.locator('main').innerText()).includes('waiting for an administrator'), 'the claim waits');
  await shoot(page, 'clinician-claimed');

  const admin = await page.context().browser().newContext({ bypassCSP: true });
  const a = await admin.newPage();
  await signIn(a, process.env.DIRECTORY_ADMIN_EMAIL, process.env.ADMIN_PASSWORD);
  await enableTwoFactor(a);
  await a.goto(`${BASE}/admin/directory/claims`);
  await axeCheck(a, '/admin/directory/claims');
  await shoot(a, 'admin-claims');
  const claim = a.locator('article.card', { hasText: clinician });
  expect((await claim.innerText()).includes('LCSW 4711'), 'the claim shows the licence given');
  await claim.getByRole('button', { name: 'Verify: the listing is theirs' }).click();
  await a.waitForURL(/done=verified/);
  await admin.close();

  await page.goto(`${BASE}/clinician`);
  await page.getByRole('link', { name: 'Edit your listing' }).click();
  await page.waitForURL(/\/clinician\/listing$/);
  await axeCheck(page, '/clinician/listing');
  await shoot(page, 'clinician-listing');
  await page.getByLabel('About your work').fill('Attachment-focused work with adults and couples.');
  await page.getByLabel('Attachment-based therapy').check();
  await page.getByLabel('Accepting new clients').check();
  await page.getByLabel('Phone').fill('(312) 555-0150');
  await page.getByRole('button', { name: 'Save and confirm' }).click();
  await page.waitForURL(/\/clinician\?saved=1/);
  await page.goto(`${BASE}/therapists?place=60614&radius=10&unit=km&attachment=1&accepting=1`);
  const card = page.locator('ol.directory-results li', { hasText: 'Morgan Claimable' });
  expect((await card.innerText()).includes('verified'), 'the verified badge');
  await card.getByRole('link', { name: 'Morgan Claimable' }).click();
  expect((await page.locator('main').innerText()).includes('Attachment-focused work with adults and couples.'),
    'the edited introduction shows');
  await page.goto(`${BASE}/account/access`);
  const rows = await page.locator('table tbody tr').allInnerTexts();
  expect(rows.some((r) => r.includes('An administrator')), `the verification is in my access list: ${rows.join(' | ')}`);
});

test('working with a therapist: connect from the listing, share two things, stop one, the access list, end; axe', async (page) => {
  // The therapist keeps the Robin Connectable listing, with two-factor sign-in.
  const therapist = `e2e-therapist-${Date.now()}@example.org`;
  await signUp(page, therapist);
  await enableTwoFactor(page);
  await page.goto(`${BASE}/clinician`);
  await page.getByLabel('Your NPI').fill('1987654328');
  await page.getByLabel('Your licence number').fill('PSY 2048');
  await page.getByRole('button', { name: 'Send the claim' }).click();
  await page.waitForURL(/\/clinician\?claimed=1/);
  const admin = await page.context().browser().newContext({ bypassCSP: true });
  const a = await admin.newPage();
  await signIn(a, process.env.CARE_ADMIN_EMAIL, process.env.ADMIN_PASSWORD);
  await enableTwoFactor(a);
  await a.goto(`${BASE}/admin/directory/claims`);
  await a.locator('article.card', { hasText: therapist }).getByRole('button', { name: 'Verify: the listing is theirs' }).click();
  await a.waitForURL(/done=verified/);
  await admin.close();

  // The client finds the therapist in the directory and asks to connect.
  const clientContext = await page.context().browser().newContext({ bypassCSP: true });
  const c = await clientContext.newPage();
  await signUp(c, `e2e-client-${Date.now()}@example.org`);
  await c.goto(`${BASE}/checkin`);
  for (const id of ['acc1', 'acc2', 'acc3', 'beh1', 'beh2', 'beh3', 'mea1', 'mea2', 'mea3'])
    await c.locator(`label[for="${id}-4"]`).click();
  await c.getByRole('button', { name: "Save this week's check-in" }).click();
  await startAssessment(c);
  await answerUntilResult(c, personas[1]);
  await c.goto(`${BASE}/therapists?place=60614&radius=10&unit=km&attachment=1`);
  await c.getByRole('link', { name: 'Robin Connectable' }).click();
  await axeCheck(c, 'a listing with Connect');
  await c.getByRole('button', { name: 'Connect with this therapist' }).click();
  await c.waitForURL(/\/care\?connected=1/);
  expect((await c.locator('main').innerText()).includes('waiting for an answer'), 'the request waits');

  // The therapist accepts.
  await page.goto(`${BASE}/clinician/clients`);
  await axeCheck(page, '/clinician/clients with a request');
  await page.getByRole('button', { name: /^Accept / }).click();
  await page.waitForURL(/accepted=1/);
  await shoot(page, 'clinician-clients');

  // The client shares two things, after a preview.
  await c.goto(`${BASE}/care`);
  await c.locator('a[href$="/preview/checkins"]').click();
  expect((await c.locator('main').innerText()).includes('of 5'), 'the preview shows the check-in');
  await axeCheck(c, 'preview of check-ins');
  await shoot(c, 'care-preview');
  await c.goto(`${BASE}/care`);
  await c.getByRole('button', { name: 'Share Assessment results' }).click();
  await c.getByRole('button', { name: 'Share Weekly check-ins' }).click();
  await axeCheck(c, '/care sharing two things');
  await shoot(c, 'care-sharing');

  // The therapist sees exactly those two, and is refused the rest.
  await page.goto(`${BASE}/clinician/clients`);
  await page.locator('table.client-table a').first().click();
  const clientPath = new URL(page.url()).pathname;
  const shared = await page.locator('main ul li a').allInnerTexts();
  expect(shared.join('|') === 'Assessment results|Weekly check-ins', `shared: ${shared.join('|')}`);
  await axeCheck(page, 'a client as the therapist sees them');
  await page.getByLabel('A note').fill('First session: talked about the trip.');
  await page.getByRole('button', { name: 'Save the note' }).click();
  await page.waitForURL(/noted=1/);
  await axeCheck(page, 'a client page with a note');
  await shoot(page, 'clinician-client');
  // The timeline: both shared measures and the note on one axis, and the same as a list.
  await page.getByRole('link', { name: 'Timeline and printable report' }).click();
  const timeline = await page.locator('main').innerText();
  expect(await page.locator('svg.timeline-chart path.note').count() === 1, 'the note is on the chart');
  expect(await page.locator('svg.timeline-chart polyline').count() >= 3, 'the check-in areas are drawn');
  for (const words of ['Your note', 'First session: talked about the trip.', 'Assessment', 'Weekly check-in'])
    expect(timeline.includes(words), `the timeline lists: ${words}`);
  await axeCheck(page, 'a client timeline');
  await shoot(page, 'clinician-timeline');
  await page.goto(`${BASE}${clientPath}`);
  await page.getByRole('link', { name: 'Weekly check-ins' }).click();
  expect((await page.locator('main').innerText()).includes('of 5'), 'the therapist sees the check-in');
  await axeCheck(page, 'shared check-ins');
  await shoot(page, 'clinician-checkins');
  for (const slug of ['practice', 'reconsider', 'moods', 'journal'])
    expect((await page.goto(`${BASE}${clientPath}/${slug}`)).status() === 403, `${slug} is not shared`);
  // The shared measures as FHIR R4 Bundles, checked by an independent validator (npm fhir).
  const validator = new fhirPackage.Fhir();
  for (const [what, least] of [['results', 4], ['checkins', 2]]) {
    const res = await page.request.get(`${BASE}${clientPath}/${what}.fhir.json`);
    expect(res.status() === 200, `${what} bundle: ${res.status()}`);
    const bundle = await res.json();
    const report = validator.validate(bundle, {});
    const errors = report.messages.filter((m) => m.severity === 'error');
    expect(errors.length === 0, `${what} bundle is valid FHIR R4: ${JSON.stringify(errors.slice(0, 3))}`);
    expect(bundle.entry.length >= least, `${what} bundle holds the measures (${bundle.entry.length} entries)`);
    const kinds = [...new Set(report.messages.map((m) => `${m.severity}: ${m.message.replace(/"[^"]*"/g, '…')}`))];
    console.log(`     ${what}.fhir.json: ${bundle.entry.length} entries, 0 errors; other messages: ${kinds.join('; ')}`);
  }

  // The rest of what a client can share, as Bundles too: a practice and a mood check, shared.
  await c.goto(`${BASE}/skills/name-the-feeling`);
  await c.getByLabel(/Distress before/).fill('6');
  await c.getByLabel('Distress after').fill('3');
  await c.getByRole('button', { name: 'Log practice' }).click();
  await c.goto(`${BASE}/today`);
  await c.getByRole('button', { name: 'pleasant and calm', exact: true }).click();
  await c.waitForURL(/\/mood\//);
  await c.goto(`${BASE}/care`);
  for (const name of ['Skill practice', 'Pause and reconsider', 'Mood', 'Journal entries'])
    await c.getByRole('button', { name: new RegExp(`^Share ${name}`) }).click();
  for (const [what, least] of [['practice', 2], ['reconsider', 2], ['moods', 2], ['journal', 1]]) {
    const res = await page.request.get(`${BASE}${clientPath}/${what}.fhir.json`);
    expect(res.status() === 200, `${what} bundle: ${res.status()}`);
    const bundle = await res.json();
    const errors = validator.validate(bundle, {}).messages.filter((m) => m.severity === 'error');
    expect(errors.length === 0, `${what} bundle is valid FHIR R4: ${JSON.stringify(errors.slice(0, 3))}`);
    expect(bundle.entry.length >= least, `${what} bundle holds the shared data (${bundle.entry.length} entries)`);
  }
  for (const name of ['Skill practice', 'Pause and reconsider', 'Mood', 'Journal entries'])
    await c.getByRole('button', { name: new RegExp(`^Stop sharing ${name}`) }).click();

  // The client stops one: the therapist's next request for it is refused.
  await c.goto(`${BASE}/care`);
  await c.getByRole('button', { name: 'Stop sharing Weekly check-ins' }).click();
  expect((await page.goto(`${BASE}${clientPath}/checkins`)).status() === 403, 'stopped at once');
  expect((await page.goto(`${BASE}${clientPath}/results`)).status() === 200, 'the other is still shared');

  // Every read is on the client's access page.
  await c.goto(`${BASE}/account/access`);
  const reads = (await c.locator('table tbody tr').allInnerTexts()).filter((r) => r.includes(therapist));
  expect(reads.length === 16, `sixteen reads listed (the client list's look at results and at check-ins, the overview three times (before and after a note, back from the timeline), the timeline and its look at results and at check-ins, check-ins, six FHIR downloads, results): ${reads.join(' | ')}`);
  expect(reads.filter((r) => r.includes(`${clientPath}/timeline`)).length === 3, 'the timeline\'s reads are listed');
  expect(reads.some((r) => r.includes(`${clientPath}/checkins`)), 'the check-in read is listed');
  await axeCheck(c, '/account/access with the therapist\'s reads');

  // Ending the connection removes all access.
  await c.goto(`${BASE}/care`);
  await c.getByRole('button', { name: 'End this connection' }).click();
  await c.waitForURL(/ended=1/);
  for (const p of ['', '/results'])
    expect((await page.goto(`${BASE}${clientPath}${p}`)).status() === 403, `ended: ${clientPath}${p}`);
  await clientContext.close();
});

test('family: a parent adds a child, logs cues on a phone, reads the reflection, checks signs, invites a co-parent; axe', async (page) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signUp(page, `e2e-parent-${Date.now()}@example.org`);
  await page.goto(`${BASE}/family`);
  await axeCheck(page, '/family with no child');
  await page.getByLabel('Name or nickname').fill('Juniper');
  await page.getByLabel('Birth date').fill('2025-09-15');
  await page.getByRole('button', { name: 'Add the profile' }).click();
  await page.waitForURL(/\/family\/[A-Za-z0-9_-]+\?added=1/);
  const childPath = new URL(page.url()).pathname;
  expect((await page.locator('h1').innerText()).includes('Juniper'), 'the child page is named');
  await axeCheck(page, 'a child page');
  await shoot(page, 'family-child');

  // Three moments, on a phone: taps on large chips, one button.
  const tap = (words) => page.locator('form.care-log label.chip', { hasText: new RegExp(`^${words}$`) }).click();
  const moment = async (cue, did, speed, then) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await tap(cue);
    for (const d of did) await tap(d);
    if (speed) await tap(speed);
    await tap(then);
    await page.getByRole('button', { name: 'Save the moment' }).click();
    await page.waitForURL(/logged=1/);
  };
  const chip = page.locator('form.care-log label.chip span').first();
  const box = await chip.boundingBox();
  expect(box && box.height >= 44, `chips are thumb-sized (${box && box.height})`);
  await moment('Cried', ['Comforted', 'Held or touched'], 'At once', 'Settled');
  await moment('Fussed or whined', ['Could not respond right then'], '', 'Stayed upset');
  await moment('Reached for me', ['Reassured them'], 'Within a minute', 'Settled');
  expect(await page.locator('ul.week-log li').count() === 3, 'three moments this week');
  expect(await layoutProblems(page, 390).then((p) => p.length === 0), 'the child page fits a phone');

  await page.getByRole('link', { name: "Read the week's reflection" }).click();
  const reflection = await page.locator('.reflection').innerText();
  expect(reflection.includes('upset twice') && reflection.includes('1 of those moments with comfort'),
    `the share of upsets met with comfort: ${reflection}`);
  expect(reflection.includes('reconnected afterwards once'), `the repair is named: ${reflection}`);
  expect(!/score|grade|fail/i.test(reflection), 'no score for the parent');
  await axeCheck(page, 'the weekly reflection');
  await shoot(page, 'family-reflection');

  await page.goto(`${BASE}${childPath}/signs`);
  expect((await page.locator('h1').innerText()).includes('Exploring and coming back') ||
    (await page.locator('main').innerText()).includes('Exploring and coming back'), 'the stage for a child of about 14 months');
  for (const legend of await page.locator('fieldset.sign legend').allInnerTexts())
    await page.locator('fieldset.sign', { hasText: legend }).locator('label.chip', { hasText: 'often' }).first().click();
  await page.getByRole('button', { name: 'Save this check' }).click();
  await page.waitForURL(/saved=1/);
  expect(await page.locator('.sign-trend').count() === 4, 'each sign shows its history');
  await axeCheck(page, 'secure-base signs');
  await shoot(page, 'family-signs');

  // The co-parent joins with a code and sees the same child and log.
  await page.goto(`${BASE}${childPath}`);
  await page.getByRole('button', { name: 'Invite another caregiver' }).click();
  const code = (await page.locator('.care-code').innerText()).trim();
  expect(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}$/.test(code), `an invitation code: ${code}`);
  const other = await page.context().browser().newContext({ bypassCSP: true });
  const co = await other.newPage();
  await signUp(co, `e2e-coparent-${Date.now()}@example.org`);
  await co.goto(`${BASE}/family`);
  await co.getByLabel('Invitation code').fill(code);
  await co.getByRole('button', { name: 'Join' }).click();
  await co.waitForURL(/joined=1/);
  expect(new URL(co.url()).pathname === childPath, 'the co-parent lands on the same child');
  expect(await co.locator('ul.week-log li').count() === 3, 'the co-parent sees the log');
  await co.goto(`${BASE}${childPath}/reflection`);
  await axeCheck(co, 'the reflection as the co-parent');
  // Both are on the child's access list.
  await page.goto(`${BASE}${childPath}/access`);
  const rows = await page.locator('table tbody tr').allInnerTexts();
  expect(rows.some((r) => r.includes('e2e-coparent-') && r.includes('invited caregiver')), 'the co-parent\'s look is listed');
  expect(rows.some((r) => r.startsWith('') && r.includes('You') && r.includes('first caregiver')), 'the parent\'s own are listed');
  await axeCheck(page, 'the child\'s access list');
  await shoot(page, 'family-access');
  // A stranger is refused.
  const stranger = await other.browser().newContext({ bypassCSP: true });
  const s = await stranger.newPage();
  await signUp(s, `e2e-stranger-${Date.now()}@example.org`);
  expect((await s.goto(`${BASE}${childPath}`)).status() === 403, 'a stranger cannot open the child');
  await stranger.close();
  await other.close();
  await page.goto(`${BASE}/family/guide/responsive-caregiving`);
  await axeCheck(page, 'a guidance page');
  await page.goto(`${BASE}/family`);
  await shoot(page, 'family-home');
});

test('coding study: an owner adds two coders who code blind, then see the agreement report; axe', async (page) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signUp(page, `e2e-lab-${Date.now()}@example.org`);
  await page.goto(`${BASE}/studies`);
  await axeCheck(page, '/studies');
  await page.getByLabel('Study name').fill('Toddler study');
  await page.getByRole('button', { name: 'Start the study' }).click();
  await page.waitForURL(/\/studies\/[A-Za-z0-9_-]+$/);
  const studyPath = new URL(page.url()).pathname;
  for (const participant of ['T-01', 'T-02']) {
    await page.getByLabel('Participant code (no names)').fill(participant);
    await page.getByRole('button', { name: 'Add the session' }).click();
  }
  const coders = [];
  for (const n of [1, 2]) {
    await page.goto(`${BASE}${studyPath}`);
    await page.getByRole('button', { name: 'Invite a coder' }).click();
    const code = (await page.locator('.care-code').innerText()).trim();
    const context = await page.context().browser().newContext({ bypassCSP: true });
    const coder = await context.newPage();
    await signUp(coder, `e2e-coder-${n}-${Date.now()}@example.org`);
    await coder.goto(`${BASE}/studies`);
    await coder.getByLabel('Invitation code').fill(code);
    await coder.getByRole('button', { name: 'Join' }).click();
    await coder.waitForURL(/joined=1/);
    coders.push({ context, coder });
  }
  await axeCheck(page, 'a study with sessions and coders');
  await shoot(page, 'study');
  // Each coder codes both sessions; the first sees only their own code until the second is done.
  const code = async (coder, participant, cls, prox, avoid) => {
    await coder.goto(`${BASE}${studyPath}`);
    await coder.getByRole('link', { name: participant }).click();
    for (const e of [5, 8]) {
      await coder.locator(`#e${e}_proximity`).selectOption(String(prox));
      await coder.locator(`#e${e}_contact`).selectOption(String(prox));
      await coder.locator(`#e${e}_resistance`).selectOption('1');
      await coder.locator(`#e${e}_avoidance`).selectOption(String(avoid));
    }
    await coder.locator('#e6_crying').selectOption('3');
    await coder.locator('label.chip', { hasText: cls }).click();
    await coder.getByRole('button', { name: 'Save the code' }).click();
    await coder.waitForURL(/saved=1/);
  };
  const [one, two] = coders.map((c) => c.coder);
  await code(one, 'T-01', 'B secure', 6, 1);
  expect((await one.locator('main').innerText()).includes('Coded blind'), 'blind until all have coded');
  await axeCheck(one, 'a session coded by one coder');
  await shoot(one, 'study-session-blind');
  expect(!(await one.locator('main').innerText()).includes('coder 2:'), 'no other code is shown');
  await code(two, 'T-01', 'A avoidant', 2, 6);
  await code(one, 'T-02', 'B secure', 5, 2);
  await code(two, 'T-02', 'B secure', 5, 2);
  await one.goto(`${BASE}${studyPath}`);
  await one.getByRole('link', { name: 'T-01' }).click();
  const both = await one.locator('main').innerText();
  expect(both.includes('coder 1: B') && both.includes('coder 2: A'), 'both codes once all have coded');
  await axeCheck(one, 'a session coded by all');
  await shoot(one, 'study-session-complete');
  await one.goto(`${BASE}${studyPath}/agreement`);
  const report = await one.locator('main').innerText();
  expect(report.includes('coder 1 and coder 2') && report.includes('2 sessions'), `the agreement report: ${report.slice(0, 200)}`);
  expect(report.includes('T-01: classification, B against A'), 'the disagreement to conference');
  await axeCheck(one, 'the agreement report');
  await shoot(one, 'study-agreement');
  await page.goto(`${BASE}${studyPath}/report`);
  await axeCheck(page, 'the study report');
  await shoot(page, 'study-report');
  for (const c of coders) await c.context.close();
});

// What scrolls sideways, and navigation controls smaller than a thumb, on one page as it is.
async function layoutProblems(page, width) {
  return await page.evaluate((w) => {
    const problems = [];
    if (document.documentElement.scrollWidth > w) problems.push(`scrolls sideways (${document.documentElement.scrollWidth} px)`);
    for (const el of document.querySelectorAll('.nav-links a, .tab-bar a, .menu-list a, .mood-cell, .option, .chip span, .segment label, .breath-controls .button')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;  // not shown at this width
      if (box.height < 44 || box.width < 44) problems.push(`${el.textContent.trim() || el.getAttribute('aria-label')}: ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
    return problems;
  }, width);
}

test('today: a mood check in two taps, feeling words after, axe, phone and desktop', async (page) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signUp(page, `today-${Date.now()}@example.org`);
  await axeCheck(page, '/today');
  await shoot(page, 'today');
  await page.setViewportSize({ width: 390, height: 844 });
  // Tap one: a square of the grid. It is within the first screen of a phone.
  const cell = page.getByRole('button', { name: 'pleasant and calm', exact: true });
  const box = await cell.boundingBox();
  expect(box && box.y + box.height <= 844, `the mood grid is on the first screen (${box && box.y})`);
  await cell.click();
  await page.waitForURL(/\/mood\/[A-Za-z0-9_-]+$/);
  expect((await page.getByRole('status').innerText()).includes('pleasant and calm'), 'saved after one tap');
  await axeCheck(page, '/mood/{id}');
  await shoot(page, 'mood-details');
  await page.setViewportSize({ width: 390, height: 844 });
  // Tap two, optional: a feeling word, then save.
  await page.locator('label.chip', { hasText: 'hopeful' }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/\/today\?mood=saved/);
  expect((await page.locator('.earlier').innerText()).includes('pleasant and calm'), 'Today lists the check');
  await page.goto(`${BASE}/journal?q=hopeful`);
  expect((await page.locator('main').innerText()).includes('hopeful'), 'the journal search finds the feeling word');
  // A second check today: the calendar colours the day with their mean, the year view counts it.
  await page.goto(`${BASE}/today`);
  await page.getByRole('button', { name: 'very pleasant and energised', exact: true }).click();
  await page.waitForURL(/\/mood\//);
  await page.goto(`${BASE}/journal/calendar`);
  expect(await page.locator('td.mood-day').count() === 1, 'today is coloured on the calendar');
  expect((await page.locator('svg.mood-year title').first().textContent()).includes('1 day with a mood check'),
    'the year view says how many days');
  await axeCheck(page, '/journal/calendar with moods');
  await shoot(page, 'mood-calendar');
});

test('every page at 320, 390 and 1280 px: no sideways scroll, 44 px targets, axe, screenshots; a bottom bar', async (page) => {
  await signUp(page, `layout-${Date.now()}@example.org`);
  // A little of everything first, so the pages show what people see after a few days.
  await page.goto(`${BASE}/today`);
  await page.getByRole('button', { name: 'pleasant and calm', exact: true }).click();
  await page.waitForURL(/\/mood\/[A-Za-z0-9_-]+$/);
  const moodPage = new URL(page.url()).pathname;
  await page.goto(`${BASE}/journal/new`);
  await page.getByLabel('What happened?').fill('Lunch with a friend ran long and we laughed a lot');
  await page.locator('label.chip', { hasText: 'hopeful' }).click();
  await page.getByRole('button', { name: 'Save entry' }).click();
  await page.waitForURL(/\/journal\/[A-Za-z0-9_-]+\?saved=1$/);
  const entryPage = new URL(page.url()).pathname;
  await page.goto(`${BASE}/plan`);
  await page.locator('#add_skill').selectOption('slow-breathing');
  await page.getByRole('button', { name: 'Add to my plan' }).click();
  await page.goto(`${BASE}/skills/slow-breathing`);
  await page.getByLabel('Distress before').fill('6');
  await page.getByLabel('Distress after').fill('3');
  await page.getByRole('button', { name: 'Log practice' }).click();
  await page.goto(`${BASE}/family`);
  await page.getByLabel('Name or nickname').fill('Fern');
  await page.getByLabel('Birth date').fill('2024-02-10');
  await page.getByRole('button', { name: 'Add the profile' }).click();
  await page.waitForURL(/added=1/);
  const childPage = new URL(page.url()).pathname;
  await page.locator('form.care-log label.chip', { hasText: /^Asked me to play$/ }).click();
  await page.locator('form.care-log label.chip', { hasText: /^Gave them room to explore$/ }).click();
  await page.getByRole('button', { name: 'Save the moment' }).click();
  await page.waitForURL(/logged=1/);
  const pages = ['/today', '/menu', '/journal', '/journal/new', entryPage, `${entryPage}/edit`, moodPage,
    '/journal/calendar', '/skills', '/skills/slow-breathing', '/skills/name-the-feeling', '/checkin', '/plan',
    '/reconsider', '/reconsider/new', '/progress', '/care', '/account', '/account/access', '/account/two-factor',
    '/assessments', '/assessment', '/understanding', '/help', '/privacy', '/not-a-diagnosis', '/how-we-rank',
    '/therapists', '/therapists?place=60614&radius=25&unit=km', '/clinician', '/family', childPage,
    `${childPage}/reflection`, `${childPage}/signs`, `${childPage}/access`, '/family/guide/repair'];
  const problems = [];
  for (const [w, h] of [[320, 700], [390, 844], [1280, 800]]) {
    await page.setViewportSize({ width: w, height: h });
    for (const p of pages) {
      await page.goto(`${BASE}${p}`);
      for (const problem of await layoutProblems(page, w)) problems.push(`${w} ${p}: ${problem}`);
      if (w === 320) continue;
      await axeCheck(page, `${p} at ${w} px`);
      const named = { [entryPage]: 'journal-entry', [`${entryPage}/edit`]: 'journal-entry-edit', [moodPage]: 'mood-details',
        [childPage]: 'family-child', [`${childPage}/reflection`]: 'family-reflection', [`${childPage}/signs`]: 'family-signs',
        [`${childPage}/access`]: 'family-access' };
      const name = named[p] ?? (p.replace(/^\//, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '') || 'home');
      await page.screenshot({ path: path.join(ARTIFACTS, 'pages', `${name}-${w}.png`), fullPage: true });
    }
  }
  expect(problems.length === 0, problems.join('\n'));
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${BASE}/journal`);
  const bar = page.getByRole('navigation', { name: 'Main places' });
  expect(await bar.isVisible(), 'the bottom bar shows on a phone');
  const header = await page.locator('.site-header').boundingBox();
  expect(header.height <= 80, `the phone header is one line (${header.height} px)`);
  await page.setViewportSize({ width: 1280, height: 800 });
  expect(!(await bar.isVisible()), 'no bottom bar on a desktop');
});

test('installable: manifest, icons, service worker; the offline page', async (page) => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'securebase-profile-'));
  const installed = await launchPersistentChromium(profile);
  try {
    const p = installed.pages()[0] ?? await installed.newPage();
    await p.goto(`${BASE}/`);
    await p.evaluate(async () => { await navigator.serviceWorker.ready; });
    const cdp = await installed.newCDPSession(p);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors.length === 0, `installability: ${JSON.stringify(installabilityErrors)}`);
  } finally {
    await installed.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  const manifest = await (await page.request.get(`${BASE}/manifest.webmanifest`)).json();
  expect(manifest.icons.some((i) => i.sizes === '512x512'), 'a 512 px icon');
  await page.goto(`${BASE}/offline`);
  await axeCheck(page, '/offline');
  await shoot(page, 'offline');
  // Offline, a page that cannot be fetched shows the offline page from the worker.
  await page.goto(`${BASE}/`);
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.reload();
  await page.context().setOffline(true);
  await page.goto(`${BASE}/understanding`).catch(() => {});
  const text = await page.locator('h1').innerText();
  await page.context().setOffline(false);
  expect(text === 'You are offline', `offline, a page shows the offline page (saw "${text}")`);
});

test('dark mode follows the system setting', async (page) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${BASE}/`);
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bg === 'rgb(20, 25, 29)', `dark paper (${bg})`);
  await axeCheck(page, '/ in dark mode');
  await shoot(page, 'home-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`${BASE}/`);
  expect((await page.evaluate(() => getComputedStyle(document.body).backgroundColor)) === 'rgb(251, 250, 247)', 'light paper');
});

test('dark mode: a choice saved with the account overrides the system setting', async (page) => {
  await signUp(page, `theme-${Date.now()}@example.org`);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`${BASE}/account`);
  await page.locator('label[for="theme-dark"]').click();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  expect((await page.getByRole('status').first().innerText()).includes('Saved'), 'choice saved');
  const paper = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(await paper() === 'rgb(20, 25, 29)', 'dark although the device is light');
  await axeCheck(page, '/account, chosen dark');
  await shoot(page, 'account-dark');
  await page.goto(`${BASE}/today`);
  expect(await paper() === 'rgb(20, 25, 29)', 'every page follows the choice');
  await shoot(page, 'today-dark');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${BASE}/account`);
  await page.locator('label[for="theme-light"]').click();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  expect(await paper() === 'rgb(251, 250, 247)', 'light although the device is dark');
  await axeCheck(page, '/account, chosen light on a dark device');
});

test('an administrator recalibrates the questionnaire in the background and publishes it, axe', async (page) => {
  // The store holds simulated consented answer sets (scripts/run-tests: admin seed-answers).
  await signIn(page, process.env.QUESTIONNAIRE_ADMIN_EMAIL, process.env.ADMIN_PASSWORD);
  await enableTwoFactor(page);
  await page.goto(`${BASE}/admin`);
  await page.getByRole('link', { name: 'Questionnaire: answers collected and recalibration' }).click();
  await axeCheck(page, '/admin/questionnaire');
  expect((await page.locator('table[aria-label], .table-wrap').count()) >= 1, 'tables');
  const items = await page.locator('[aria-label="Answers per item"] tbody tr').count();
  expect(items === 48, `one row per item (${items})`);
  await shoot(page, 'admin-questionnaire');
  await page.getByRole('button', { name: 'Start a calibration' }).click();
  expect((await page.locator('.notice').innerText()).includes('queued'), 'says it is queued');
  // The server's background worker runs it; the page shows its state on each visit.
  let state = '';
  for (let i = 0; i < 480 && !state.includes('Finished'); i++) {
    await page.waitForTimeout(500);
    await page.goto(`${BASE}/admin/questionnaire`);
    state = await page.locator('[aria-label="Recent calibrations"] tbody tr').first().innerText();
  }
  expect(state.includes('Finished'), `the calibration finished (${state})`);
  await page.locator('[aria-label="Recent calibrations"] a').first().click();
  await axeCheck(page, '/admin/questionnaire/calibrations/{calibration}');
  expect((await page.locator('h2').first().innerText()) === 'Report', 'the report');
  // The seeded answers' facets share a trait of their own (scripts/run-tests: --facet-slope).
  const adopted = await page.getByText('Publishing scores this scale with the bifactor model').count();
  expect(adopted >= 1, `the bifactor model is adopted for a scale (${adopted})`);
  await shoot(page, 'admin-calibration');
  await page.getByRole('button', { name: /Publish as version/ }).click();
  expect((await page.locator('.notice').innerText()).includes('new assessments use version'), 'published');
  await axeCheck(page, '/admin/questionnaire/calibrations/{calibration}, published');
  await shoot(page, 'admin-calibration-published');
  // The published version's adaptive test and scores integrate the facets' traits out.
  await startAssessment(page);
  await answerUntilResult(page, personas[1]);
  const lead = await page.locator('.lead').innerText();
  expect(lead.includes('fit the Anxious-preoccupied pattern best'), `bifactor version result: ${lead}`);
  // The adaptive answers were enough for some items only: the footnote says how many.
  const footnote = await page.locator('.footnote').last().innerText();
  expect(/has \d+ of its 48 items calibrated/.test(footnote), `says what is calibrated: ${footnote}`);
  await axeCheck(page, 'result page, bifactor version');
  await shoot(page, 'result-bifactor');
});

const browser = await launchChromium();
let passed = 0;
let failed = 0;
const only = process.env.E2E_ONLY ?? '';
for (const t of tests.filter((x) => x.name.includes(only))) {
  // A fresh context per test, so cookies never leak between them; CSP bypass lets axe load.
  const context = await browser.newContext({ bypassCSP: true, acceptDownloads: true });
  const page = await context.newPage();
  try {
    await t.fn(page);
    passed++;
    console.log(`ok   ${t.name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${t.name}\n     ${String(e.message).split('\n').join('\n     ')}`);
    await page.screenshot({ path: path.join(ARTIFACTS, `failure-${passed + failed}.png`) }).catch(() => {});
  }
  await context.close().catch(() => {});
}
await browser.close();
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
