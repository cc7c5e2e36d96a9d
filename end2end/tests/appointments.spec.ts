import { expect, test } from '@playwright/test';
import { DEMO, inboundSms, open, signIn } from './helpers';

/** The store's date (Maple Ridge Motors is in Chicago) of a moment, as YYYY-MM-DD. */
function storeDate(iso: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago' }).format(new Date(iso));
}

test('an agent books a test drive from a thread; the slot is gone for the next booking, the week shows it, and its reminder is scheduled', async ({ page }, info) => {
  const hydrated = info.project.name === 'hydrated';
  const suffix = hydrated ? '61' : '62';
  const from = `+1415555${'02' + suffix}`;
  const shown = `+1 415-555-02${suffix}`;
  await inboundSms(page, info, from, 'Can I come in for a test drive this week?');
  await signIn(page, info, DEMO.agent);
  await expect(page).toHaveURL(/\/leads$/);

  await open(page, '/conversations', info);
  await page.getByRole('link', { name: new RegExp(shown.replace(/[+]/g, '\\+')) }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(shown);
  if (hydrated) {
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  }

  // Free times from ten days ahead (a GET form: it works without JavaScript too), so the
  // reminders are still to come.
  const booking = page.getByTestId('booking');
  await booking.getByLabel('Type').selectOption({ label: 'Test drive (45 min)' });
  const firstDay = storeDate(new Date(Date.now() + 10 * 86_400_000).toISOString());
  await booking.getByLabel('From').fill(firstDay);
  await booking.getByRole('button', { name: 'Show free times' }).click();
  await expect(page).toHaveURL(new RegExp(`book_from=${firstDay}`));
  const slots = booking.locator('input[name="input[starts_at]"]');
  // The list follows the new address once the new options arrive (the old one stays meanwhile).
  await expect(async () => {
    const first = (await slots.first().getAttribute('value'))!;
    expect(storeDate(first) >= firstDay).toBeTruthy();
  }).toPass({ timeout: 10_000 });
  const slot = slots.first();
  const value = (await slot.getAttribute('value'))!;
  await slot.check();
  await booking.getByLabel('Notes').fill(`Test drive booked by the e2e run (${suffix})`);
  await booking.getByRole('button', { name: 'Book' }).click();

  if (hydrated) {
    await expect(page.getByTestId('booked')).toContainText('Booked.');
  } else {
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(shown);
  }
  // The booked time is no longer offered to anyone booking the same person.
  await expect(booking.locator('input[name="input[starts_at]"]').first()).toBeVisible();
  await expect(booking.locator(`input[value="${value}"]`)).toHaveCount(0);

  // The week that holds it lists it, and its page shows the reminders as scheduled.
  await open(page, `/calendar?date=${storeDate(value)}`, info);
  const card = page.getByTestId('appointment').filter({ hasText: shown });
  await expect(card).toContainText('Test drive');
  await expect(card.getByTestId('appointment-status')).toHaveText('Scheduled');
  await card.getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Test drive with ${shown}`);
  const states = page.getByTestId('reminder-state');
  await expect(states.first()).toHaveText('scheduled');
  await expect(page.getByTestId('reminders')).toContainText('24 h before');
});

test('a compliance officer sees the calendar but cannot book', async ({ page }, info) => {
  await signIn(page, info, DEMO.compliance);
  await expect(page).toHaveURL(/\/leads$/);
  await open(page, '/calendar', info);
  await expect(page.getByRole('heading', { level: 1, name: 'Calendar' })).toBeVisible();
  await expect(page.getByTestId('week')).toBeVisible();
  await open(page, '/leads', info);
  await page.getByTestId('leads').getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByTestId('booking')).toHaveCount(0);
});

test('a manager moves a booked visit to another day and then cancels it, asked first', async ({ page }, info) => {
  const hydrated = info.project.name === 'hydrated';
  await signIn(page, info, DEMO.manager);
  await expect(page).toHaveURL(/\/leads$/);
  // The demo books two visits with Marcus (each project moves and cancels one of them); its
  // week is found by looking at the next weeks.
  const visit = hydrated ? 'Sales visit' : 'Marcus Green';
  let found = false;
  for (let week = 0; week < 3 && !found; week++) {
    const day = storeDate(new Date(Date.now() + week * 7 * 86_400_000).toISOString());
    await open(page, `/calendar?date=${day}&status=scheduled`, info);
    const visits = page.getByTestId('appointment').filter({ hasText: visit });
    if ((await visits.count()) > 0) {
      await visits.first().getByRole('link').click();
      found = true;
    }
  }
  expect(found).toBeTruthy();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(' with ');
  if (hydrated) {
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  }

  // Move: a later first day through the picker (a GET form), then a time.
  const move = page.getByTestId('reschedule');
  await move.locator('summary').click();
  const later = storeDate(new Date(Date.now() + (hydrated ? 20 : 27) * 86_400_000).toISOString());
  await move.getByLabel('From').fill(later);
  await move.getByRole('button', { name: 'Show free times' }).click();
  await expect(page).toHaveURL(new RegExp(`move_from=${later}`));
  const times = page.getByTestId('reschedule').locator('input[name="starts_at"]');
  await expect(async () => {
    const first = (await times.first().getAttribute('value'))!;
    expect(storeDate(first) >= later).toBeTruthy();
  }).toPass({ timeout: 10_000 });
  await times.first().check();
  await page.getByTestId('reschedule').getByRole('button', { name: 'Move appointment' }).click();
  if (hydrated) {
    await expect(page.getByTestId('moved')).toContainText('Moved');
    await page.getByTestId('moved').getByRole('link', { name: 'Open the new appointment' }).click();
  } else {
    await expect(page.getByTestId('status')).toHaveText('Rescheduled');
    await page.getByRole('link', { name: 'Moved to a new time' }).click();
  }
  await expect(page.getByTestId('status')).toHaveText('Scheduled');

  // Cancel sits behind a confirmation.
  const cancel = page.getByTestId('cancel');
  await expect(cancel.getByRole('button', { name: 'Yes, cancel it' })).toBeHidden();
  await cancel.locator('summary').click();
  await cancel.getByRole('button', { name: 'Yes, cancel it' }).click();
  await expect(page.getByTestId('status')).toHaveText('Cancelled');
  await expect(page.getByTestId('cancel')).toHaveCount(0);
});

test('calendar settings name a wrong line beside its day and keep what was typed', async ({ page }, info) => {
  await signIn(page, info, DEMO.manager);
  await expect(page).toHaveURL(/\/leads$/);
  await open(page, '/settings/calendar', info);
  await page.getByLabel('Tuesday').fill('nine to five');
  await page.getByRole('button', { name: 'Save hours' }).click();
  await expect(page.getByText("Write Tuesday's hours as 09:00-19:00")).toBeVisible();
  await expect(page.getByLabel('Monday')).toHaveValue('09:00-18:00');
});
