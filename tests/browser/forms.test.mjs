// Headless Chromium: a refused form comes back with everything typed and the error beside its
// field — the person form (a wrong check digit) and the meeting's staff form (a reason missing
// once counting began). Screenshots under target/browser/.
//
// Run by .ci/run with the other browser tests (`node --test tests/browser/`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { freePort, startServer, stopServer, Api, logInPage, ADMIN_PW } from './server.mjs';

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'target', 'browser');

test('a refused person form keeps every typed value and shows the error beside the ID number', { timeout: 120000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'huanjie-forms-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = await startServer(dir, port);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  try {
    const admin = await new Api(base).login('admin', ADMIN_PW);
    await admin.call('POST', '/api/v1/communities', { code: 'bt01', name: '测试社区', org_type: 'zhibu' }, 201);
    const page = await logInPage(await browser.newContext(), base, 'admin', ADMIN_PW);
    await page.goto(`${base}/communities/bt01/people/new`);
    const typed = {
      name: '欧阳明', id_number: '110101198001010012', ethnicity: '回族',
      household_no: '0712', phone: '13912345678', party_org_name: '测试社区第一党支部',
    };
    for (const [k, v] of Object.entries(typed)) { await page.fill(`[name=${k}]`, v); }
    await page.selectOption('[name=education]', '大专');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/people"] button')]);
    await page.waitForSelector('.field-error');
    for (const [k, v] of Object.entries(typed)) {
      assert.equal(await page.inputValue(`[name=${k}]`), v, `${k} kept`);
    }
    assert.equal(await page.inputValue('[name=education]'), '大专');
    const note = await page.textContent('.field-error');
    assert.match(note, /校验位|身份证/, note);
    const label = await page.evaluate(() => document.querySelector('.field-error').closest('label').textContent);
    assert.ok(label.startsWith('身份证号'), label);
    await page.screenshot({ path: join(SHOTS, 'person-form-refused.png'), fullPage: true });
    // Corrected, it is saved.
    await page.fill('[name=id_number]', '11010119800101001X'.slice(0, 17) + checkDigit('11010119800101001'));
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/people"] button')]);
    assert.match(await page.textContent('.flash'), /已添加 欧阳明/);
  } finally {
    await browser.close();
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The GB 11643 check digit of the first 17 digits. */
function checkDigit(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return '10X98765432'[sum % 11];
}

test('the person picker finds people by pinyin initials and by the last digits of the ID number, and the form sends the chosen one', { timeout: 120000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'huanjie-picker-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = await startServer(dir, port);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  try {
    const admin = await new Api(base).login('admin', ADMIN_PW);
    await admin.call('POST', '/api/v1/communities', { code: 'bt02', name: '选人社区', org_type: 'zhibu' }, 201);
    const idA = '11010119750505003' + checkDigit('11010119750505003');
    const idB = '11010119820808004' + checkDigit('11010119820808004');
    const a = await admin.call('POST', '/api/v1/communities/bt02/people', { name: '王一鸣', id_number: idA }, 201);
    const b = await admin.call('POST', '/api/v1/communities/bt02/people', { name: '王依明', id_number: idB }, 201);
    const u = await admin.call('POST', '/api/v1/users', {
      username: 'lianxi', display_name: '联系人', role: 'community', community: 'bt02', password: 'Qing-he-lu-88-hao',
    }, 201);
    const uid = u.id ?? u.user?.id;
    const page = await logInPage(await browser.newContext(), base, 'admin', ADMIN_PW);
    await page.goto(`${base}/users/${uid}`);
    assert.equal(await page.isVisible('input[name=person_id]'), false, 'the id box is replaced');
    await page.fill('.pick-box', 'wym');
    await page.waitForFunction(() => document.querySelectorAll('.pick-list li strong').length === 2);
    const listed = await page.$$eval('.pick-list li', (lis) => lis.map((l) => l.textContent));
    assert.ok(listed.some((t) => t.includes('王一鸣')) && listed.some((t) => t.includes('王依明')), listed.join(' | '));
    assert.ok(listed.every((t) => !t.includes(idA) && !t.includes(idB)), 'ID numbers are masked');
    await page.screenshot({ path: join(SHOTS, 'person-picker.png'), fullPage: true });
    await page.fill('.pick-box', idB.slice(-4));
    await page.waitForFunction(() => document.querySelectorAll('.pick-list li strong').length === 1);
    assert.match(await page.textContent('.pick-list li'), /王依明/);
    await page.press('.pick-box', 'Enter');
    assert.equal(await page.inputValue('input[name=person_id]'), String(b.person.id));
    assert.equal(await page.inputValue('.pick-box'), '王依明');
    await Promise.all([page.waitForNavigation(), page.click('form[action$="/users/' + uid + '"] button.primary')]);
    const saved = await admin.call('GET', `/api/v1/users/${uid}`, undefined, 200);
    assert.equal(saved.person_id ?? saved.user?.person_id, b.person.id);
    // Opened again, the picker shows the chosen person by name.
    await page.goto(`${base}/users/${uid}`);
    await page.waitForFunction(() => document.querySelector('.pick-box').value === '王依明');
    assert.notEqual(a.person.id, b.person.id);
  } finally {
    await browser.close();
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
});
