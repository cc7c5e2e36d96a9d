// What a first visit costs in headless Chromium (Debian's), with an empty cache each time:
// bytes over the wire (compressed, headers included), requests, and the time until the page
// is interactive (the hydrate function marks <body data-hydrated>), from navigation start.
//   node benches/first_load.mjs <base url> [runs=7] [network=loopback|dsl]
// Run by benches/first-load.sh, which builds and serves the release site.
import { chromium } from '../end2end/node_modules/playwright-core/index.mjs';

const [base, runsArg = '7', network = 'loopback'] = process.argv.slice(2);
const runs = Number(runsArg);
const EMAIL = 'manager@maple-ridge.example';
const PASSWORD = 'consentdesk-demo';
// A modest office line: 20 Mbit/s down, 5 up, 40 ms round trip.
const DSL = { offline: false, latency: 40, downloadThroughput: 20e6 / 8, uploadThroughput: 5e6 / 8 };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
});

async function visit(path, signedIn) {
  const context = await browser.newContext();
  if (signedIn) {
    // Signs in without loading any page, so the page below is still a first visit.
    const answer = await context.request.post(`${base}/api/login`, {
      form: { email: EMAIL, password: PASSWORD },
      headers: { Accept: 'application/json' },
    });
    if (!answer.ok()) throw new Error(`sign-in failed: ${answer.status()}`);
  }
  const page = await context.newPage();
  if (network === 'dsl') {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', DSL);
  }
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.body?.dataset.hydrated === 'true') {
        window.__hydratedAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
  });
  const responses = [];
  page.on('requestfinished', (request) => responses.push(request));
  await page.goto(`${base}${path}`);
  await page.waitForFunction(() => window.__hydratedAt !== undefined, null, { timeout: 30_000 });
  const hydratedMs = await page.evaluate(() => window.__hydratedAt);
  await page.waitForLoadState('networkidle');
  let bytes = 0;
  const byKind = {};
  for (const request of responses) {
    const sizes = await request.sizes();
    const size = sizes.responseBodySize + sizes.responseHeadersSize;
    bytes += size;
    const url = new URL(request.url()).pathname;
    const kind = url.endsWith('.wasm') ? (url.includes('/chunk_') || url.includes('/split_') ? 'wasm chunks' : 'wasm main')
      : url.endsWith('.js') ? 'js' : url.endsWith('.css') ? 'css' : url.startsWith('/api/') ? 'api' : request.resourceType();
    byKind[kind] = (byKind[kind] ?? 0) + size;
  }
  await context.close();
  return { bytes, requests: responses.length, hydratedMs, byKind };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const max = (xs) => Math.max(...xs);
console.log(`first visit, empty cache, ${network}, ${runs} runs each (median / worst)`);
for (const [name, path, signedIn] of [['sign-in page', '/login', false], ['leads page', '/leads', true]]) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await visit(path, signedIn));
  const kb = (n) => (n / 1024).toFixed(1);
  const last = results[results.length - 1];
  console.log(
    `${name.padEnd(13)} ${kb(median(results.map((r) => r.bytes)))} KB transferred in ${last.requests} requests; ` +
      `hydrated after ${median(results.map((r) => r.hydratedMs)).toFixed(0)} / ${max(results.map((r) => r.hydratedMs)).toFixed(0)} ms`,
  );
  console.log(`${''.padEnd(13)} ${Object.entries(last.byKind).map(([k, v]) => `${k} ${kb(v)} KB`).join(', ')}`);
}
await browser.close();
