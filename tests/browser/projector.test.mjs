// Headless Chromium: two counters, each in their own browser context, enter ten ballots with
// the keyboard while a projector opened through a display link (a third context, no account)
// follows them live; the page is never reloaded; the server is restarted and the projector
// catches up by itself; after sign-off it shows 当选. Screenshots of the projector and the count
// report are kept under target/browser/.
//
// Run by .ci/run: `node --test tests/browser/` with the debug server binary built by
// `cargo test`. Needs Debian's chromium at /usr/bin/chromium (or CHROMIUM=...).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { freePort, startServer, stopServer, Api, logInPage, ADMIN_PW } from './server.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS = join(ROOT, 'target', 'browser');

// Ten ballots, by candidate number in ballot order (1 丁一, 2 王二, 3 李三).
const BALLOTS = [[1, 2], [1, 2], [1, 3], [1], [2, 3], [1, 2], [2], [1, 3], [3], [1, 2]];

test('two counters type ten ballots while a display-link projector follows live, survives a restart, and shows 当选 after sign-off', { timeout: 180000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'huanjie-browser-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let server = await startServer(dir, port);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  try {
    // The arrangement, through the API as the street.
    const admin = await new Api(base).login('admin', ADMIN_PW);
    await admin.call('POST', '/api/v1/communities', { code: 'bt01', name: '测试社区', org_type: 'zhibu' }, 201);
    const meeting = await admin.call('POST', '/api/v1/communities/bt01/meetings', { title: '党员大会', kind: 'party', date: '2027-04-26' }, 201);
    const staff = async (body) => admin.call('POST', `/api/v1/meetings/${meeting.id}/staff`, body, 201);
    const chiefS = await staff({ name: '赵监', role: 'scrutineer', chief: true });
    const c1 = await staff({ name: '孙计', role: 'counter', chief: true, table: 1 });
    const c2 = await staff({ name: '李计', role: 'counter', table: 1 });
    const vote = await admin.call('POST', `/api/v1/meetings/${meeting.id}/votes`, {
      title: '选举委员', preset: 'party', electorate: 12, double_entry: true,
      posts: [{ post: '委员', seats: 2, candidates: ['李三', '王二', '丁一'] }],
    }, 201);
    const names = vote.posts[0].candidates;
    assert.deepEqual(names, ['丁一', '王二', '李三'], 'ballot order by strokes');
    await admin.call('POST', `/api/v1/votes/${vote.id}/state`, { to: 'voting' }, 200);
    const scrutineer = await new Api(base).login(chiefS.username, chiefS.password);
    await scrutineer.call('POST', `/api/v1/votes/${vote.id}/state`, { to: 'counting', present: 11, ballots_issued: 11, ballots_collected: 11 }, 200);
    const link = await admin.call('POST', `/api/v1/votes/${vote.id}/display-links`, {}, 201);

    // The projector: a context with no account, through the display link.
    const projCtx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const projector = await projCtx.newPage();
    await projector.goto(`${base}${link.url}`);
    await projector.evaluate(() => { window.__marker = 'loaded-once'; });
    assert.equal(await projector.textContent('#counted'), '0');
    assert.deepEqual((await projCtx.cookies()).length, 0, 'the projector got a cookie');

    // The chief scrutineer's console, opened once: every part of it follows the events.
    const consoleCtx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const consolePage = await logInPage(consoleCtx, base, chiefS.username, chiefS.password);
    await consolePage.goto(`${base}/votes/${vote.id}/console`);
    await consolePage.evaluate(() => { window.__marker = 'console-once'; });
    assert.equal(await consolePage.textContent('#vote-state'), '计票中');

    // Two counters, each in their own context, type the same ten ballots.
    const counters = [];
    for (const c of [c1, c2]) {
      const ctx = await browser.newContext();
      const page = await logInPage(ctx, base, c.username, c.password);
      await page.goto(`${base}/votes/${vote.id}/enter`);
      counters.push(page);
    }
    for (let k = 0; k < BALLOTS.length; k++) {
      for (const page of counters) {
        for (const n of BALLOTS[k]) await page.keyboard.press(String(n));
        await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
        const flash = await page.textContent('.flash');
        assert.match(flash, new RegExp(`第 ${k + 1} 张已录入`), flash);
      }
    }
    const expected = [0, 0, 0];
    for (const b of BALLOTS) for (const n of b) expected[n - 1]++;
    await projector.waitForFunction(() => document.querySelector('#counted').textContent === '10', null, { timeout: 10000 });
    for (let i = 0; i < names.length; i++) {
      const votes = await projector.textContent(`li.cand[data-name="${names[i]}"] .votes`);
      assert.equal(Number(votes), expected[i], `${names[i]} on the projector`);
    }
    assert.equal(await projector.evaluate(() => window.__marker), 'loaded-once', 'the projector reloaded');
    assert.ok(!(await projector.textContent('#live')).includes('当选'), 'elected shown before sign-off');
    // The console's live numbers, its per-table progress and its count table, without a reload.
    await consolePage.waitForFunction(() => document.querySelector('#counted').textContent === '10', null, { timeout: 10000 });
    await consolePage.waitForFunction(
      () => document.querySelector('#table-progress tbody tr td:nth-child(3)')?.textContent === '10', null, { timeout: 10000 });
    const fill = await consolePage.$eval(`li.cand[data-name="${names[0]}"] .bar .fill`, (e) => e.getBoundingClientRect().width);
    assert.ok(fill > 10, `the console's bars are drawn (${fill}px)`);
    await consolePage.screenshot({ path: join(SHOTS, 'console-live.png'), fullPage: true });

    // Restart the server: the projector reconnects by itself and catches up.
    await stopServer(server);
    server = await startServer(dir, port);
    for (const [c, tag] of [[c1, 'a'], [c2, 'b']]) {
      const api = await new Api(base).login(c.username, c.password);
      await api.call('POST', `/api/v1/votes/${vote.id}/ballots`, { client_id: `after-restart-${tag}`, ballot: { marks: { 委员: { for: ['丁一'] } } } }, 201);
    }
    await projector.waitForFunction(() => document.querySelector('#counted').textContent === '11', null, { timeout: 20000 });
    assert.equal(Number(await projector.textContent('li.cand[data-name="丁一"] .votes')), expected[0] + 1);
    assert.equal(await projector.evaluate(() => window.__marker), 'loaded-once', 'the projector reloaded after the restart');

    // Review and sign-off: 当选 appears, live.
    await admin.call('POST', `/api/v1/votes/${vote.id}/state`, { to: 'review' }, 200);
    await consolePage.waitForFunction(() => document.querySelector('#vote-state').textContent === '待确认', null, { timeout: 10000 });
    assert.equal(await consolePage.evaluate(() => window.__marker), 'console-once', 'the console reloaded');
    const s = await new Api(base).login(chiefS.username, chiefS.password);
    await s.call('POST', `/api/v1/votes/${vote.id}/signoff`, {}, 200);
    const k = await new Api(base).login(c1.username, c1.password);
    const certified = await k.call('POST', `/api/v1/votes/${vote.id}/signoff`, {}, 200);
    assert.equal(certified.state, 'certified');
    await projector.waitForFunction(() => document.body.innerText.includes('当选'), null, { timeout: 10000 });
    const result = await admin.call('GET', `/api/v1/votes/${vote.id}/result`, undefined, 200);
    for (const c of result.posts[0].candidates) {
      const badge = await projector.isVisible(`li.cand[data-name="${c.name}"] .badge`);
      assert.equal(badge, c.status === 'elected', `${c.name} badge`);
    }
    await projector.screenshot({ path: join(SHOTS, 'projector.png') });

    // The count report, printed by the street.
    const staffCtx = await browser.newContext();
    const report = await logInPage(staffCtx, base, 'admin', ADMIN_PW);
    const r = await report.goto(`${base}/votes/${vote.id}/report`);
    assert.equal(r.status(), 200);
    await report.screenshot({ path: join(SHOTS, 'report.png'), fullPage: true });
  } finally {
    await browser.close();
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
});
