// What a patient does on the estimate view, as steps for the browser tests:
// fill the plan, list the services, press "Show what I will owe", read the
// screen. Everything is read back as the text the page shows ("$1,500.00").

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/estimate/', import.meta.url));

/** Switches to the estimate view with its tab. */
export async function openEstimateView(page) {
  await page.click('#estimate-tab');
  await page.waitForSelector('#estimate-view:not([hidden]) #est-form');
}

/**
 * Types a plan into the form. `plan`: { deductible, deductibleMet, outOfPocketMax (null = no
 * limit), outOfPocketMet, coinsurance (a percentage, "20"), copays: { office: { amount,
 * when: 'before'|'after', coinsurance } }, outOfNetwork: same shape or undefined }.
 * Fields left out are cleared.
 */
export async function fillPlan(page, plan) {
  await fillTier(page, 'est-in', plan);
  const oon = page.locator('#est-oon-enabled');
  if (plan.outOfNetwork) {
    await oon.check();
    await page.locator('#est-oon-copays > summary').click();
    await fillTier(page, 'est-oon', plan.outOfNetwork);
  } else {
    await oon.uncheck();
  }
}

async function fillTier(page, prefix, tier) {
  await page.fill(`#${prefix}-deductible`, tier.deductible ?? '');
  await page.fill(`#${prefix}-deductible-met`, tier.deductibleMet ?? '');
  const noLimit = page.locator(`#${prefix}-no-limit`);
  if (tier.outOfPocketMax === null) {
    await noLimit.check();
  } else {
    await noLimit.uncheck();
    await page.fill(`#${prefix}-oop-max`, tier.outOfPocketMax ?? '');
  }
  await page.fill(`#${prefix}-oop-met`, tier.outOfPocketMet ?? '');
  await page.fill(`#${prefix}-coinsurance`, tier.coinsurance ?? '');
  const categories = await page.$$eval(`[id^="${prefix}-copay-"][id$="-timing"]`, (nodes) =>
    nodes.map((node) => node.id.split('-copay-')[1].replace(/-timing$/, '')),
  );
  for (const category of categories) {
    const copay = tier.copays?.[category];
    await page.fill(`#${prefix}-copay-${category}`, copay?.amount ?? '');
    await page.selectOption(`#${prefix}-copay-${category}-timing`, copay?.when ?? 'before');
    await page.setChecked(`#${prefix}-copay-${category}-coinsurance`, Boolean(copay?.coinsurance));
  }
}

/**
 * Replaces the services with `services`: [{ description, category, billed, allowed,
 * network: 'in'|'out', covered, protected }], typed row by row.
 */
export async function setServices(page, services) {
  while ((await page.locator('#est-services tbody tr').count()) > 1) {
    await page.locator('#est-services tbody tr:last-child button.remove').click();
  }
  for (const [i, service] of services.entries()) {
    const n = i + 1;
    if (n > 1) await page.click('#est-add-service');
    await page.fill(`#est-service-${n}-description`, service.description ?? '');
    await page.selectOption(`#est-service-${n}-category`, service.category ?? 'other');
    await page.fill(`#est-service-${n}-billed`, service.billed ?? '');
    await page.fill(`#est-service-${n}-allowed`, service.allowed ?? '');
    await page.selectOption(`#est-service-${n}-network`, service.network ?? 'in');
    await page.setChecked(`#est-service-${n}-covered`, service.covered ?? true);
    await page.setChecked(`#est-service-${n}-protected`, service.protected ?? false);
  }
}

/**
 * Presses "Show what I will owe" and waits for new results, or for an error shown on the
 * form. Returns true when there are new results.
 */
export async function showEstimate(page) {
  const previous = await page.$('#est-results-body > *');
  await page.click('#est-submit');
  return waitForEstimate(page, previous);
}

/** Waits until the results replace `previous` (null: until there are results), or an error shows. */
export async function waitForEstimate(page, previous = null) {
  const handle = await page.waitForFunction(
    (old) => {
      const error = document.querySelector(
        '#est-form [aria-invalid="true"], #est-form-error:not([hidden]), #est-services-error:not([hidden])',
      );
      if (error) return 'error';
      const current = document.querySelector('#est-results:not([hidden]) #est-results-body > *');
      return current && (!old || !old.isConnected) ? 'results' : false;
    },
    previous,
  );
  return (await handle.jsonValue()) === 'results';
}

const FIELDS = ['billed', 'allowed', 'copay', 'deductible', 'coinsurance', 'notCovered', 'balanceBill', 'patientPays', 'planPays'];

/** The lines of the results table as shown: { description, <field>: "$…", estimated, explanation, assumptions }. */
export async function readLines(page) {
  return page.$$eval(
    '#est-lines tbody tr.line',
    (rows, fields) =>
      rows.map((row) => {
        const n = row.dataset.line;
        const line = { description: row.querySelector('th .description').innerText };
        for (const field of fields) {
          line[field] = row.querySelector(`td[data-field="${field}"]`).firstChild.textContent;
        }
        line.estimated = Boolean(row.querySelector('td[data-field="allowed"] .flag'));
        const explanation = row.parentElement.querySelector(`tr.explanation[data-line="${n}"]`);
        line.explanation = explanation.querySelector('.why').innerText;
        line.assumptions = [...explanation.querySelectorAll('.assumption')].map((p) => p.innerText);
        return line;
      }),
    FIELDS,
  );
}

/** The totals row as shown: { billed, allowed, costSharing, notCovered, balanceBill, patientPays, planPays }. */
export async function readTotals(page) {
  return page.$$eval('#est-lines tfoot [data-total]', (cells) =>
    Object.fromEntries(cells.map((cell) => [cell.dataset.total, cell.lastChild.textContent])),
  );
}

/** The deductible and out-of-pocket amounts met after the estimate, as shown. */
export async function readAfter(page) {
  return page.$$eval('#est-after [data-after]', (cells) =>
    Object.fromEntries(cells.map((cell) => [cell.dataset.after, cell.textContent])),
  );
}

/** The payment schedule as shown: { rows: [{ date, amount }], total, payInFull }. */
export async function readSchedule(page) {
  return page.$eval('#est-schedule', (schedule) => ({
    rows: [...schedule.querySelectorAll('tbody tr')].map((row) => ({
      date: row.querySelector('time').getAttribute('datetime'),
      shownDate: row.querySelector('time').textContent,
      amount: row.querySelector('[data-field="installment"]').textContent,
    })),
    total: schedule.querySelector('[data-total="plan"]').textContent,
    payInFull: schedule.querySelector('#est-pay-in-full')?.textContent ?? null,
  }));
}

/** "$1,234.56" → 123456 cents, for the tests' own sums (the page never adds money). */
export function cents(shown) {
  const match = /^(−)?\$([\d,]+)\.(\d\d)$/.exec(shown);
  if (!match) throw new Error(`"${shown}" is not an amount as the page shows it`);
  const value = Number(match[2].replace(/,/g, '')) * 100 + Number(match[3]);
  return match[1] ? -value : value;
}

/**
 * The plan of tests/fixtures/estimate/plan.json as a patient types it into the form
 * (coinsurance 0.20 is typed as the percentage 20). Read from the file, so that the
 * test follows the fixture.
 */
export async function fixturePlanAsTyped() {
  const plan = JSON.parse(await readFile(`${FIXTURES}plan.json`, 'utf8'));
  const tier = (t) => ({
    deductible: t.deductible,
    deductibleMet: t.deductibleMet,
    outOfPocketMax: t.outOfPocketMax,
    outOfPocketMet: t.outOfPocketMet,
    coinsurance: percentText(t.coinsurance),
    copays: Object.fromEntries(
      Object.entries(t.copays).map(([key, c]) => [
        key,
        { amount: c.amount, when: c.beforeDeductible ? 'before' : 'after', coinsurance: c.coinsurance },
      ]),
    ),
  });
  return { ...tier(plan.inNetwork), outOfNetwork: plan.outOfNetwork ? tier(plan.outOfNetwork) : undefined };
}

/** "0.20" → "20": the decimal point moved two places in the text. */
function percentText(rate) {
  const [whole, fraction = ''] = rate.split('.');
  const digits = fraction.padEnd(2, '0');
  const percent = `${whole}${digits.slice(0, 2)}`.replace(/^0+(?=\d)/, '');
  const rest = digits.slice(2).replace(/0+$/, '');
  return rest ? `${percent}.${rest}` : percent;
}
