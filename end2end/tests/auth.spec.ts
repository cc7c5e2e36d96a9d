import { expect, test } from '@playwright/test';
import { DEMO, open, signIn } from './helpers';

const navFor = {
  manager: ['Leads', 'Conversations', 'Calendar', 'Consent', 'Privacy requests', 'Audit log', 'Users', 'Settings'],
  compliance: ['Leads', 'Conversations', 'Calendar', 'Consent', 'Privacy requests', 'Audit log'],
  agent: ['Leads', 'Conversations', 'Calendar', 'Consent'],
} as const;

for (const role of ['manager', 'compliance', 'agent'] as const) {
  test(`a ${role} signs in, sees the navigation of the role, and signs out`, async ({ page }, info) => {
    await signIn(page, info, DEMO[role]);

    await expect(page).toHaveURL(/\/leads$/);
    const nav = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
    await expect(nav).toHaveText([...navFor[role]]);
    await expect(page.getByTestId('org-name')).toHaveText('Maple Ridge Motors');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await open(page, '/leads', info);
    await expect(page).toHaveURL(/\/login$/);
  });
}

test('a wrong password shows the generic message and signs nobody in', async ({ page }, info) => {
  await signIn(page, info, DEMO.agent, 'not-the-password');

  await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect.');
  await expect(page).toHaveURL(/\/login/);
});

test('an unknown email shows exactly the same message', async ({ page }, info) => {
  await signIn(page, info, 'nobody@maple-ridge.example', 'not-the-password');

  await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect.');
});

test('an agent who opens the users page is refused', async ({ page }, info) => {
  await signIn(page, info, DEMO.agent);
  await expect(page).toHaveURL(/\/leads$/);

  const response = await page.goto('/users');

  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You do not have access to this page');
});

test('an unknown address shows the not-found page with status 404', async ({ page }) => {
  const response = await page.goto('/no-such-page');

  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
});
