import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, CHROMIUM, HAS_STATLOG, hasChromium, runCli, STATLOG, tmpHome } from '../test-support/helpers.js';


describe.skipIf(!HAS_STATLOG || !hasChromium())('the web form in a real browser', () => {
  const home = tmpHome();
  let url = '';
  let stop: () => void = () => undefined;

  beforeAll(async () => {
    expect(runCli(['ingest', STATLOG], { home }).status).toBe(0);
    expect(runCli(['train', '--headless', '--quick', '--families', 'logreg'], { home }).status).toBe(0);
    const proc = spawn(process.execPath, [BIN, '--home', home, 'serve', '--port', '0', '--workers', '1'], { env: { ...process.env, NO_COLOR: '1' } });
    stop = () => proc.kill('SIGTERM');
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t0 = Date.now();
    while (!/listening on (\S+)/.test(stderr) && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 50));
    url = /listening on (\S+)/.exec(stderr)![1]!;
  });
  afterAll(() => stop());

  it('builds the form from the model, scores what was chosen and shows the answer of /v1/score', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(url);
      expect(await page.locator('#model').textContent()).toBe('v1 (logreg)');
      const options = await page.locator('#f_checking_status option').allTextContents();
      expect(options).toEqual(expect.arrayContaining(['< 0 DM', 'no checking account']));
      await page.selectOption('#f_checking_status', '< 0 DM');
      await page.fill('#f_duration', '48');
      await page.click('#score');
      await page.waitForSelector('#decision');
      const shown = Number(await page.locator('#p_bad').textContent());
      const decision = await page.locator('#decision').textContent();
      const reasons = await page.locator('#reasons li').allTextContents();
      // The same applicant straight from the API: the page shows exactly that answer.
      const applicant = await page.evaluate<Record<string, string | number>>("Object.fromEntries([...document.querySelectorAll('[name]')].map((el) => [el.name, el.dataset.numeric ? Number(el.value) : el.value]))");
      const api = (await (await fetch(`${url}/v1/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ applicants: [applicant] }) })).json()) as { results: { p_bad: number; decision: string; reasons: { text: string }[] }[] };
      expect(shown).toBeCloseTo(api.results[0]!.p_bad, 4);
      expect(decision).toBe(api.results[0]!.decision.toUpperCase());
      expect(reasons).toEqual(api.results[0]!.reasons.map((r) => r.text));
      expect(applicant['duration']).toBe(48);
      // A number outside what the model accepts is one plain line on the page.
      await page.fill('#f_duration', '999');
      await page.click('#score');
      await page.waitForSelector('#error');
      expect(await page.locator('#error').textContent()).toMatch(/^duration: out of range: 999/);
    } finally {
      await browser.close();
    }
  });
});
