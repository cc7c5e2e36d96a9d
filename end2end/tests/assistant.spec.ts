import { expect, Page, test, TestInfo } from '@playwright/test';
import { DEMO, inboundSms, open, signIn } from './helpers';

/**
 * Opens the customer's thread from the inbox and waits for the assistant's reading, which a
 * background worker writes after the text arrives: reloaded until the panel has a score.
 */
async function openReadThread(page: Page, info: TestInfo, shown: string) {
  await open(page, '/conversations', info);
  await page.getByRole('link', { name: new RegExp(shown.replace(/[+]/g, '\\+')) }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(shown);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('insight-score')).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
  if (info.project.name === 'hydrated') {
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  }
}

test('an agent reads the insight, adds its vehicle to the lead, and sends an edited suggestion marked AI-assisted', async ({ page }, info) => {
  const hydrated = info.project.name === 'hydrated';
  const suffix = hydrated ? '87' : '88';
  const from = `+1415555${'01' + suffix}`;
  const shown = `+1 415-555-01${suffix}`;
  await inboundSms(page, info, from, 'Hi, is the 2021 Honda Civic still available? I could come Saturday morning');
  await signIn(page, info, DEMO.agent);
  await expect(page).toHaveURL(/\/leads$/);

  await openReadThread(page, info, shown);

  const insight = page.getByTestId('insight');
  await expect(page.getByTestId('insight-score')).toHaveText(/^\d{1,3}$/);
  await expect(insight.locator('meter')).toBeVisible();
  await expect(page.getByTestId('insight-intent')).not.toBeEmpty();
  await expect(page.getByTestId('insight-reasons').getByRole('listitem').first()).toContainText(/[+−]\d+/);
  await expect(page.getByTestId('insight-summary').getByRole('listitem').first()).not.toBeEmpty();

  // Nothing reaches the lead until a person adds it (a plain form: it works without JavaScript).
  const vehicle = page.getByTestId('insight-fact-vehicle');
  await expect(vehicle).toContainText(/Civic/i);
  await vehicle.getByRole('button', { name: /Add to lead/ }).click();
  if (hydrated) {
    await expect(vehicle).toContainText('Added');
  }
  await expect(page.getByRole('complementary', { name: 'Lead' })).toContainText(/Honda Civic/i);

  const box = page.getByLabel('Reply');
  if (hydrated) {
    // Suggesting needs JavaScript: the draft lands in the box for the agent to edit.
    await page.getByRole('button', { name: 'Suggest a reply' }).click();
    await expect(box).not.toHaveValue('');
    await expect(page.locator('input[name="ai_assisted"]')).toHaveValue('yes');
    const suggested = await box.inputValue();
    await box.fill(`${suggested} See you Saturday (${suffix}).`);
  } else {
    // Without JavaScript the button stays off and the form still sends a plain reply.
    await expect(page.getByRole('button', { name: 'Suggest a reply' })).toBeDisabled();
    await box.fill(`See you Saturday (${suffix}).`);
  }
  await page.getByRole('button', { name: 'Send' }).click();

  const sent = page.getByTestId('thread').getByRole('listitem').filter({ hasText: `See you Saturday (${suffix}).` });
  await expect(sent).toBeVisible();
  if (hydrated) {
    await expect(sent.getByTestId('ai-assisted')).toHaveText('AI-assisted');
    await expect(box).toHaveValue('');
    await expect(page.locator('input[name="ai_assisted"]')).toHaveValue('');
  } else {
    await expect(sent.getByTestId('ai-assisted')).toHaveCount(0);
  }
});
