import { expect, Page, test, TestInfo } from '@playwright/test';
import { DEMO, inboundSms, open, signIn } from './helpers';

/** Hydrated pages update by themselves; without JavaScript a person reloads. */
async function eventually(page: Page, info: TestInfo, check: () => Promise<void>) {
  if (info.project.name === 'hydrated') {
    await check();
  } else {
    await expect(async () => {
      await page.reload();
      await check();
    }).toPass({ timeout: 15_000 });
  }
}

test('a signed inbound SMS appears in the open inbox; the agent replies and it is sent (simulated)', async ({ page }, info) => {
  const suffix = info.project.name === 'hydrated' ? '81' : '82';
  const from = `+1415555${'01' + suffix}`;
  const shown = `+1 415-555-01${suffix}`;
  await signIn(page, info, DEMO.agent);
  await expect(page).toHaveURL(/\/leads$/);
  await open(page, '/conversations', info);
  await expect(page.getByTestId('inbox')).toBeVisible();

  await inboundSms(page, info, from, `Is the Outback available? (${suffix})`);

  await eventually(page, info, async () => {
    await expect(page.getByRole('link', { name: new RegExp(shown.replace(/[+]/g, '\\+')) })).toBeVisible({ timeout: 10_000 });
  });
  await page.getByRole('link', { name: new RegExp(shown.replace(/[+]/g, '\\+')) }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(shown);
  if (info.project.name === 'hydrated') {
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  }
  await expect(page.getByTestId('send-checks')).toContainText('Conversational (a reply): allowed');
  await page.getByLabel('Reply').fill('Yes! Want to test drive it Saturday?');
  await page.getByRole('button', { name: 'Send' }).click();

  await eventually(page, info, async () => {
    await expect(page.getByTestId('delivery').last()).toHaveText('Sent (simulated: local provider)', { timeout: 10_000 });
  });
  await expect(page.getByTestId('thread')).toContainText('Yes! Want to test drive it Saturday?');
});

test('a web-chat visitor and an agent exchange messages', async ({ page, browser }, info) => {
  const visitorName = `Vera ${info.project.name}`;
  const visitorContext = await browser.newContext({ javaScriptEnabled: info.project.name === 'hydrated' });
  const visitor = await visitorContext.newPage();
  await open(visitor, '/chat/maple-ridge-motors', info);
  await visitor.getByLabel('Name').fill(visitorName);
  await visitor.getByLabel('Phone or email').fill(`vera.${info.project.name}@example.com`);
  await visitor.getByRole('button', { name: 'Start chatting' }).click();
  await visitor.getByLabel('Message').fill('Do you have winter tyres?');
  await visitor.getByRole('button', { name: 'Send' }).click();
  await expect(visitor.getByTestId('chat-thread')).toContainText('Do you have winter tyres?');

  await signIn(page, info, DEMO.agent);
  await expect(page).toHaveURL(/\/leads$/);
  await open(page, '/conversations', info);
  await page.getByRole('link', { name: new RegExp(visitorName) }).click();
  await expect(page.getByTestId('thread')).toContainText('Do you have winter tyres?');
  await page.getByLabel('Reply').fill('We do, fitted from $89.');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('thread')).toContainText('We do, fitted from $89.');

  await eventually(visitor, info, async () => {
    await expect(visitor.getByTestId('chat-thread')).toContainText('We do, fitted from $89.', { timeout: 10_000 });
  });
  await visitorContext.close();
});

test('after STOP the agent sees the opted-out state before typing, and a reply is blocked', async ({ page }, info) => {
  const suffix = info.project.name === 'hydrated' ? '83' : '84';
  const from = `+1415555${'01' + suffix}`;
  const shown = `+1 415-555-01${suffix}`;
  await inboundSms(page, info, from, 'Is the Tacoma still in stock?');
  await inboundSms(page, info, from, 'STOP');

  await signIn(page, info, DEMO.agent);
  await expect(page).toHaveURL(/\/leads$/);
  await open(page, '/conversations', info);
  await page.getByRole('link', { name: new RegExp(shown.replace(/[+]/g, '\\+')) }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(shown);
  if (info.project.name === 'hydrated') {
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  }
  await expect(page.getByTestId('send-checks')).toContainText('opted out');
  await expect(page.getByTestId('thread')).toContainText('You are unsubscribed');

  await page.getByLabel('Reply').fill('Are you sure? We have a deal for you.');
  await page.getByRole('button', { name: 'Send' }).click();

  await expect(page.getByTestId('delivery').last()).toContainText('Blocked: The customer opted out');
});
