import { expect, test } from '@playwright/test';
import { DEMO, open, signIn } from './helpers';

test('a manager creates a lead, finds it by phone, edits the vehicle and assigns it; the agent then sees it', async ({ page }, info) => {
  // Each project run makes its own lead, so the two runs never collide.
  const suffix = info.project.name === 'hydrated' ? '91' : '92';
  const name = `Jordan Rivera ${suffix}`;

  await signIn(page, info, DEMO.manager);
  await expect(page).toHaveURL(/\/leads$/);
  await open(page, '/leads/new', info);
  await page.locator('#lead-name').fill(name);
  await page.locator('#lead-phone').fill(`(312) 555-01${suffix}`);
  await page.getByRole('button', { name: 'Create lead' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);

  await open(page, '/leads', info);
  await page.getByLabel('Search').fill(`555-01${suffix}`);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('link', { name })).toBeVisible();
  await expect(page.getByTestId('lead-count')).toHaveText('1 lead');
  await page.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  if (info.project.name === 'hydrated') {
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  }

  await page.locator('#lead-interest_year').fill('2025');
  await page.locator('#lead-interest_make').fill('Subaru');
  await page.locator('#lead-interest_model').fill('Outback');
  await page.locator('#lead-interest_vin').fill('1HGCM82643A004352');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.locator('#interest_vin-error')).toContainText('check digit');

  await page.locator('#lead-interest_make').fill('Subaru');
  await page.locator('#lead-interest_model').fill('Outback');
  await page.locator('#lead-interest_year').fill('2025');
  await page.locator('#lead-interest_vin').fill('1HGCM82633A004352');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.locator('#interest_vin-error')).toHaveCount(0);
  await page.reload();
  await expect(page.locator('#lead-interest_make')).toHaveValue('Subaru');
  await expect(page.locator('#lead-interest_vin')).toHaveValue('1HGCM82633A004352');

  await page.getByLabel('Assigned to').selectOption({ label: 'Marcus Lee' });
  await page.getByRole('button', { name: 'Assign' }).click();
  await expect(page.getByText('assigned to Marcus Lee')).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await signIn(page, info, DEMO.agent);
  await expect(page).toHaveURL(/\/leads$/);
  await open(page, '/leads?assigned=me', info);
  await expect(page.getByRole('link', { name })).toBeVisible();
});

test('a lead that does not exist is a 404', async ({ page }, info) => {
  await signIn(page, info, DEMO.manager);
  await expect(page).toHaveURL(/\/leads$/);

  const response = await page.goto('/leads/00000000-0000-0000-0000-000000000000');

  expect(response?.status()).toBe(404);
});
