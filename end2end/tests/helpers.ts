import { expect, Page, TestInfo } from '@playwright/test';
import { createHmac } from 'node:crypto';

export const DEMO_PASSWORD = 'consentdesk-demo';
export const DEMO = {
  manager: 'manager@maple-ridge.example',
  compliance: 'compliance@maple-ridge.example',
  agent: 'agent@maple-ridge.example',
} as const;

/** Opens a page and, in the hydrated project, waits until wasm has taken over. */
export async function open(page: Page, path: string, info: TestInfo) {
  await page.goto(path);
  if (info.project.name === 'hydrated') {
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  }
}

export async function signIn(page: Page, info: TestInfo, email: string, password = DEMO_PASSWORD) {
  await open(page, '/login', info);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * The newest mail the server wrote for `address` (the local mail transport writes one .eml
 * file per message into E2E_MAIL_DIR): what the recipient reads, which staff never see.
 */
export async function mailFor(address: string, containing: string): Promise<string> {
  const { readdir, readFile, stat } = await import('node:fs/promises');
  const dir = process.env.E2E_MAIL_DIR;
  if (!dir) throw new Error('E2E_MAIL_DIR is not set (scripts/test sets it)');
  for (let tries = 0; tries < 50; tries++) {
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.eml'));
    const files = await Promise.all(names.map(async (n) => ({ n, at: (await stat(`${dir}/${n}`)).mtimeMs })));
    files.sort((a, b) => b.at - a.at);
    for (const { n } of files) {
      // Quoted-printable soft line breaks are undone before reading.
      const text = (await readFile(`${dir}/${n}`, 'utf8')).replace(/=\r?\n/g, '');
      if (text.includes(`To: ${address}`) && text.includes(containing)) return text;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail to ${address} containing ${containing}`);
}

const DEMO_TOKEN = 'demo-auth-token';

/** Posts an SMS webhook signed as Twilio documents: URL + sorted name/value pairs, HMAC-SHA1, base64. */
export async function inboundSms(page: Page, info: TestInfo, from: string, body: string) {
  const base = info.project.use.baseURL!;
  const path = '/hooks/twilio/maple-ridge-motors/sms';
  const fields: Record<string, string> = {
    MessageSid: `SMe2e${Date.now()}${Math.floor(Math.random() * 1e6)}`,
    AccountSid: 'ACdemo',
    From: from,
    To: '+13125550199',
    Body: body,
    NumMedia: '0',
  };
  const data = base + path + Object.keys(fields).sort().map((k) => k + fields[k]).join('');
  const signature = createHmac('sha1', DEMO_TOKEN).update(data).digest('base64');
  const response = await page.request.post(path, { form: fields, headers: { 'X-Twilio-Signature': signature } });
  expect(response.status()).toBe(200);
}
