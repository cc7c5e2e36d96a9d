import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { DEMO, open, signIn } from './helpers';

test('a compliance officer finds a number, reads its evidence and downloads the packet', async ({ page }, info) => {
  await signIn(page, info, DEMO.compliance);
  await expect(page).toHaveURL(/\/leads$/);
  await open(page, '/consent', info);

  await page.getByLabel('Phone number or lead name').fill('312 555 0142');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: '+1 312-555-0142' }).click();

  await expect(page.getByTestId('consent-number')).toHaveText('+1 312-555-0142');
  await expect(page.getByTestId('state-texts-promotional')).toContainText('Allowed');
  const history = page.getByTestId('consent-history');
  await expect(history).toContainText('Express written consent');
  await expect(history).toContainText('203.0.113.7');
  await expect(history).toContainText('Maria Lopez');
  await expect(history).toContainText('not a condition of any purchase');

  await page.getByRole('link', { name: 'Evidence packet' }).click();
  await expect(page.getByRole('heading', { name: 'Consent evidence packet' })).toBeVisible();
  await expect(page.getByTestId('chain-verdict')).toContainText('Hash chain intact');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'JSON' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^consent-evidence-13125550142-.*\.json$/);
  const packet = JSON.parse(await readFile((await download.path())!, 'utf8'));
  expect(packet.phone).toBe('+13125550142');
  expect(packet.events.map((e: { medium: string }) => e.medium)).toContain('web_form');
  expect(packet.verification.first_broken).toBeNull();
});

test('a visitor agrees to reminders on the public form; nothing is pre-ticked', async ({ page }, info) => {
  const suffix = info.project.name === 'hydrated' ? '61' : '62';
  await open(page, '/consent/maple-ridge-motors', info);
  const promotions = page.getByRole('checkbox').nth(1);
  await expect(page.getByRole('checkbox').first()).not.toBeChecked();
  await expect(promotions).not.toBeChecked();

  await page.getByLabel('Your name').fill('Visitor ' + suffix);
  await page.getByLabel('Mobile number').fill(`(415) 555-01${suffix}`);
  await page.getByRole('checkbox').first().check();
  await page.getByRole('button', { name: 'Submit' }).click();

  await expect(page.getByTestId('consent-thanks')).toContainText('appointment reminders');
  await expect(page.getByTestId('consent-thanks')).not.toContainText('offers');
});
