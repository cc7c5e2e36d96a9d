import { expect, Page, TestInfo } from '@playwright/test';

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
