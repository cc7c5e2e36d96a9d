import { expect, test } from '@playwright/test';
import { DEMO, open, signIn } from './helpers';

// Issue 10, items 1–3, as a stranger does them in a browser (run hydrated and without
// JavaScript). The demo has a web opt-in from +1 312-555-0142 and a STOP from +1 773-555-0188.

test('a stranger who types a customer’s number into the chat and says STOP ends only their own chat', async ({ page, browser }, info) => {
  const visitorContext = await browser.newContext({ javaScriptEnabled: info.project.name === 'hydrated' });
  const visitor = await visitorContext.newPage();
  await open(visitor, '/chat/maple-ridge-motors', info);
  await visitor.getByLabel('Name').fill(`Mallory ${info.project.name}`);
  await visitor.getByLabel('Phone or email').fill('(312) 555-0142');
  await visitor.getByRole('button', { name: 'Start chatting' }).click();
  await expect(visitor.getByTestId('chat-confirm')).toContainText('+1 312-555-0142');
  await visitor.getByLabel('Message').fill('STOP');
  await visitor.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(visitor.getByTestId('chat-ended')).toBeVisible();
  await visitorContext.close();

  // The number's owner is still subscribed: the chat was never theirs.
  await signIn(page, info, DEMO.compliance);
  await expect(page).toHaveURL(/\/leads$/);
  await open(page, '/consent/number/+13125550142', info);
  await expect(page.getByTestId('state-texts-promotional')).toContainText('Allowed');
  await expect(page.getByTestId('consent-history')).not.toContainText('Chat');
});

test('the consent form neither re-subscribes nor texts a number that said STOP', async ({ page }, info) => {
  await open(page, '/consent/maple-ridge-motors', info);
  await page.getByLabel('Your name').fill(`Mallory ${info.project.name}`);
  await page.getByLabel('Mobile number').fill('(773) 555-0188');
  await page.getByRole('checkbox').nth(1).check();
  await page.getByRole('button', { name: 'Submit' }).click();

  await expect(page.getByTestId('consent-opted-out')).toContainText('text START');
  await expect(page.getByTestId('consent-opted-out')).toContainText('+1 312-555-0199');
});

test('the privacy page refuses a foreign number, with the reason beside the field', async ({ page }, info) => {
  await open(page, '/privacy/maple-ridge-motors', info);
  await page.getByLabel('What would you like?').selectOption('access');
  await page.getByLabel('Your name').fill(`Mallory ${info.project.name}`);
  await page.getByLabel('Mobile number').fill('+44 20 7946 0958');
  await page.getByRole('button', { name: 'Send my request' }).click();

  await expect(page.locator('#phone-error')).toContainText('own country');
});

test('a privacy request for a number nobody knows stands on its own and makes no lead of it', async ({ page, browser }, info) => {
  const suffix = info.project.name === 'hydrated' ? '71' : '72';
  const name = `Pat Stranger ${info.project.name}`;
  const visitorContext = await browser.newContext({ javaScriptEnabled: info.project.name === 'hydrated' });
  const visitor = await visitorContext.newPage();
  await open(visitor, '/privacy/maple-ridge-motors', info);
  await visitor.getByLabel('What would you like?').selectOption('access');
  await visitor.getByLabel('Your name').fill(name);
  await visitor.getByLabel('Mobile number').fill(`(415) 555-01${suffix}`);
  await visitor.getByRole('button', { name: 'Send my request' }).click();
  await expect(visitor.getByRole('heading', { name: 'Confirm it is you' })).toBeVisible();
  await visitorContext.close();

  await signIn(page, info, DEMO.compliance);
  await expect(page).toHaveURL(/\/leads$/);
  await open(page, '/privacy-requests', info);
  await expect(page.getByRole('link', { name })).toBeVisible();
  // The typed number is a claim: no lead was made of it.
  await open(page, `/leads?q=41555501${suffix}`, info);
  await expect(page.getByTestId('leads-empty')).toBeVisible();
});
