// A browser journey across two app servers behind nginx (tests/cluster/run starts them):
// sign in on one, continue on the other, and a form one server rendered is accepted by the
// other. Each server names itself in X-SecureBase-Node. Prints "cluster: N passed, N failed".
import { launchChromium } from './browser.mjs';

const BASE = process.env.BASE_URL;
const EMAIL = process.env.MEMBER_EMAIL;
const PASSWORD = process.env.MEMBER_PASSWORD;

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
function expect(cond, message) {
  if (!cond) throw new Error(message);
}

// Every page (document) response, in order: which server answered what.
const answers = [];
const lastAnswer = (method, pathPrefix) =>
  [...answers].reverse().find((a) => a.method === method && new URL(a.url).pathname.startsWith(pathPrefix));

let signedInOn;

test('sign in on one server, continue signed in on the other', async (page) => {
  await page.goto(`${BASE}/signin`);
  await page.getByLabel('E-mail address').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
  const post = lastAnswer('POST', '/signin');
  expect(post && post.status === 303, `sign-in answered ${post?.status}`);
  signedInOn = post.node;
  for (let i = 0; i < 6; i++) {
    await page.goto(`${BASE}/account`);
    const got = lastAnswer('GET', '/account');
    if (got.node !== signedInOn) {
      expect(got.status === 200, `/account on the other server answered ${got.status}`);
      expect((await page.content()).includes(EMAIL), 'the other server knows who is signed in');
      return;
    }
  }
  throw new Error(`every /account request went to server ${signedInOn}`);
});

test("a form from one server is accepted by the other (CSRF token, sealed text)", async (page) => {
  let saved = 0;
  for (let i = 0; i < 8; i++) {
    await page.goto(`${BASE}/journal/new`);
    const form = lastAnswer('GET', '/journal/new');
    await page.getByLabel('What happened?').fill(`Entry ${i} written across two servers`);
    // nginx alternates between the two servers: a health check answered by the server that
    // rendered the form makes the next request, the form's POST, go to the other one.
    for (let k = 0; k < 3; k++) {
      const probe = await page.request.get(`${BASE}/healthz`);
      if (probe.headers()['x-securebase-node'] === form.node) break;
    }
    await page.getByRole('button', { name: 'Save entry' }).click();
    await page.waitForLoadState('load');
    const post = lastAnswer('POST', '/journal');
    expect(post && post.status === 303, `saving answered ${post?.status} on server ${post?.node}`);
    saved++;
    if (post.node !== form.node) {
      expect((await page.getByRole('status').innerText()).includes('saved'), 'saved');
      await page.goto(`${BASE}/journal`);
      const listed = await page.locator('ul.entries li').count();
      expect(listed === saved, `${saved} entries saved, ${listed} listed`);
      return;
    }
  }
  throw new Error('no form was ever submitted to the other server');
});

test('both servers answered, and each under its own name', async () => {
  const nodes = new Set(answers.map((a) => a.node));
  expect(nodes.has('a') && nodes.has('b'), `servers seen: ${[...nodes].join(', ')}`);
  expect(answers.every((a) => a.status < 500), 'no server error');
});

const browser = await launchChromium();
const context = await browser.newContext({ ignoreHTTPSErrors: true });
const page = await context.newPage();
page.on('response', (r) => {
  if (r.request().resourceType() !== 'document') return;
  answers.push({
    method: r.request().method(),
    url: r.url(),
    status: r.status(),
    node: r.headers()['x-securebase-node'],
  });
});
let passed = 0;
let failed = 0;
for (const t of tests) {
  try {
    await t.fn(page);
    passed++;
    console.log(`ok   ${t.name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${t.name}: ${e.message}`);
  }
}
console.log(`cluster: requests answered by a ${answers.filter((a) => a.node === 'a').length}, by b ${answers.filter((a) => a.node === 'b').length}`);
await browser.close();
console.log(`cluster: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
