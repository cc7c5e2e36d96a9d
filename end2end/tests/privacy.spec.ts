import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { DEMO, mailFor, open, signIn } from './helpers';

test('a person files a request and verifies it; a compliance officer erases their data and downloads the report', async ({ page, browser }, info) => {
  const email = `erase.me.${info.project.name}.${Date.now()}@example.com`;
  const name = `Pat Privacy ${info.project.name}`;
  const visitorContext = await browser.newContext({ javaScriptEnabled: info.project.name === 'hydrated' });
  const visitor = await visitorContext.newPage();

  await open(visitor, '/privacy/maple-ridge-motors', info);
  await visitor.getByLabel('What would you like?').selectOption('deletion');
  await visitor.getByLabel('Your name').fill(name);
  await visitor.getByLabel('E-mail').fill(email);
  await visitor.getByRole('button', { name: 'Send my request' }).click();
  await expect(visitor.getByRole('heading', { name: 'Confirm it is you' })).toBeVisible();

  // The code reaches the requester's mailbox (the local transport's .eml files); staff
  // see the same mail with the code masked.
  const code = (await mailFor(email, 'your code')).match(/\b(\d{6})\b/)![1];
  await signIn(page, info, DEMO.compliance);
  await expect(page).toHaveURL(/\/leads$/);
  await open(page, '/privacy-requests/mail', info);
  const copy = page.getByTestId('mail').locator('li', { hasText: email }).filter({ hasText: 'code' }).first();
  await expect(copy).toContainText('••••••');
  await expect(copy).not.toContainText(code);

  await visitor.getByLabel('Code').fill(code);
  await visitor.getByRole('button', { name: 'Confirm' }).click();
  await expect(visitor.getByTestId('privacy-verified')).toBeVisible();
  await visitorContext.close();

  await open(page, '/privacy-requests', info);
  await page.getByRole('link', { name }).click();
  await expect(page.getByTestId('privacy-status')).toHaveText('Identity verified');
  await expect(page.getByTestId('privacy-steps')).toContainText('verified');
  await page.getByLabel('I understand the erasure cannot be undone').check();
  await page.getByRole('button', { name: 'Erase their personal data' }).click();
  await expect(page.getByTestId('privacy-report')).toContainText('Kept, and why');
  await expect(page.getByTestId('privacy-status')).toHaveText('Completed');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download the report' }).click(),
  ]);
  const report = JSON.parse(await readFile((await download.path())!, 'utf8'));
  expect(report.status).toBe('completed');
  expect(report.report.kept.map((k: { class: string }) => k.class).join(' ')).toContain('suppression');
});
