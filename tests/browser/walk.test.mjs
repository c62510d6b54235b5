// The browser walk: on the demo street (`huanjie demo`), log in as each demo account — the
// street (jiedao), a community clerk (shequ, 舜华社区), the scrutineer (jianpiao) and the counter
// (jipiao) of the demo's counting vote in 舜玉社区 — and visit every page that role may reach, as
// the route table (`huanjie routes`) lists them: every non-API GET route, except event streams,
// static files, logout and downloads (.xlsx, .csv, .zip). Path parameters are filled from the
// demo's database (sqlite3); a route whose parameters cannot be filled is skipped and listed.
// Public pages are also visited without logging in. On each page:
//   - no English identifier, raw code or `key = value` debug text in what a person reads;
//   - no table cell narrower than two characters, and no date, number, code or name broken
//     across lines in a cell;
//   - no horizontal overflow at a 1366 px wide window;
//   - no empty drop-down, no field without a label (or a placeholder or title);
//   - a full-page screenshot in target/browser/walk/<role>-<slug>.png, for review.
// A page answering 403/404 to a role is recorded, not a failure.
//
// Run: `HUANJIE_BIN=target/debug/huanjie node --test tests/browser/walk.test.mjs`. Needs Debian's
// chromium at /usr/bin/chromium (or CHROMIUM=...) and sqlite3. WALK_VERBOSE=1 names each page on
// standard error as it is visited (run the file with `node` to see it). The summary — pages per
// role, refusals, skipped routes, known failures — is printed and kept in target/browser/walk/walk.txt.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { freePort, startServer, stopServer, loadDemo, Api, logInPage } from './server.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = process.env.HUANJIE_BIN || join(ROOT, 'target', 'debug', 'huanjie');
const SHOTS = join(ROOT, 'target', 'browser', 'walk');
const WIDTH = 1366;

/**
 * Failures known and left to other work: `{ role, route, check, reason }` (role `*` for every
 * role; route is the route table's path pattern; check one of `text`, `cell`, `overflow`, `field`). A
 * known failure is printed, not failed; a known entry that no longer fails is printed too, so it
 * can be removed.
 */
/** How long one browser call on one page may take before it counts as stuck. */
const PAGE_BOUND = 30000;

/** `promise`, or a rejection naming `what` once `ms` have passed without it settling. */
function within(ms, promise, what) {
  let timer;
  const bound = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

const KNOWN = [
  // Pages with a check known to fail, each with its reason: { role, route, check, reason }.
];

/** Which roles each access admits (src/routes.rs, `Access::roles`); `anon` is not logged in. */
const ACCESS = {
  Public: ['anon', 'street', 'community', 'scrutineer', 'counter'],
  Login: ['street', 'community', 'scrutineer', 'counter'],
  Street: ['street'],
  StreetHidden: ['street'],
  Community: ['street', 'community'],
  Counter: ['counter'],
  Scrutineer: ['scrutineer'],
  CountingStaff: ['scrutineer', 'counter'],
  VoteManage: ['street', 'community', 'scrutineer'],
};

/** The demo accounts, by role. */
const ACCOUNTS = { street: 'jiedao', community: 'shequ', scrutineer: 'jianpiao', counter: 'jipiao' };

/** The pages of the route table the walk visits. */
function walkedRoutes() {
  const lines = execFileSync(BIN, ['routes'], { encoding: 'utf8' }).trim().split('\n');
  return lines.map((l) => JSON.parse(l)).filter((r) => r.method === 'GET' && !r.api
    && !r.path.startsWith('/static') && !r.path.endsWith('/events') && !r.path.includes('logout')
    && !/\.(xlsx|csv|zip)$/.test(r.path));
}

/** Runs a query on the demo database; rows as objects. */
function sql(db, query) {
  const out = execFileSync('sqlite3', ['-json', db, query], { encoding: 'utf8' }).trim();
  return out ? JSON.parse(out) : [];
}

/**
 * What each role may see of the demo, to fill path parameters with: communities (with their
 * campaign), meetings, votes, a person per community, elected residents, users, display tokens.
 */
function demoData(db, username) {
  const user = username ? sql(db, `select id, role, community_id from users where username = '${username}'`)[0] : null;
  const staffMeetings = user ? sql(db, `select distinct meeting_id as id from meeting_staff where user_id = ${user.id}`).map((r) => r.id) : [];
  let communities = sql(db, `select c.id, c.code, (select min(id) from campaigns where community_id = c.id) as campaign
    from communities c order by c.code`);
  let meetings = sql(db, 'select id, community_id from meetings order by id');
  if (user?.role === 'community') {
    communities = communities.filter((c) => c.id === user.community_id);
    meetings = meetings.filter((m) => m.community_id === user.community_id);
  } else if (user?.role === 'scrutineer' || user?.role === 'counter') {
    meetings = meetings.filter((m) => staffMeetings.includes(m.id));
    communities = communities.filter((c) => c.id === user.community_id);
  }
  const meetingIds = meetings.map((m) => m.id);
  const votes = sql(db, 'select id, meeting_id from votes order by id').filter((v) => meetingIds.includes(v.meeting_id));
  const person = (c) => {
    // An elected resident has the fullest page; else a Party member; else anyone living there.
    const rows = sql(db, `select coalesce(
      (select e.person_id from resident_elected e join campaigns k on k.id = e.campaign_id
        where k.community_id = ${c.id} and e.person_id is not null order by e.id limit 1),
      (select id from people where residence_community_id = ${c.id} and party_status is not null
        and party_status <> '' order by id limit 1),
      (select min(id) from people where residence_community_id = ${c.id})) as id`);
    return rows[0]?.id;
  };
  const elected = (c) => sql(db, `select min(id) as id from resident_elected where campaign_id = ${c.campaign ?? 0}`)[0]?.id;
  const users = sql(db, "select id from users where username in ('shequ', 'jianpiao') order by id").map((u) => u.id);
  const tokens = sql(db, 'select d.token, v.meeting_id from display_links d join votes v on v.id = d.vote_id where d.revoked_at is null')
    .filter((t) => user === null || user.role === 'street' || meetingIds.includes(t.meeting_id)).map((t) => t.token);
  // D-1: the register and the talks are the street's only.
  const street = user === null || user.role === 'street';
  const reports = street ? sql(db, 'select id from discipline_reports order by id').map((r) => r.id) : [];
  const talks = street ? sql(db, 'select id from discipline_talks order by id').map((r) => r.id) : [];
  // S-1.4: the trainings' sign-in sheets are the street's.
  const trainings = street ? sql(db, 'select id from trainings order by id').map((r) => r.id) : [];
  return { communities, meetings, votes, person, elected, users, tokens, reports, talks, trainings };
}

/** Every URL of a route for a role: `{ url }`s, or `{ skip }` naming what could not be filled. */
function instances(path, d) {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  if (names.length === 0) return [{ url: path }];
  let binds = [{}];
  const expand = (values, f) => {
    binds = binds.flatMap((b) => values.map((v) => f({ ...b }, v)).filter(Boolean));
  };
  if (names.includes('code') || names.includes('campaign')) {
    expand(d.communities, (b, c) => (names.includes('campaign') && !c.campaign ? null : { ...b, code: c.code, campaign: c.campaign, c }));
  }
  if (names.includes('meeting')) expand(d.meetings.map((m) => m.id), (b, m) => ({ ...b, meeting: m }));
  if (names.includes('vote')) expand(d.votes.map((v) => v.id), (b, v) => ({ ...b, vote: v }));
  if (names.includes('token')) expand(d.tokens, (b, t) => ({ ...b, token: t }));
  if (names.includes('report')) expand(d.reports, (b, r) => ({ ...b, report: r }));
  if (names.includes('talk')) expand(d.talks, (b, t) => ({ ...b, talk: t }));
  if (names.includes('training')) expand(d.trainings, (b, t) => ({ ...b, training: t }));
  if (names.includes('id')) {
    if (path.startsWith('/users/')) expand(d.users, (b, u) => ({ ...b, id: u }));
    else if (path.includes('/people/')) expand([0], (b) => (b.c && d.person(b.c) ? { ...b, id: d.person(b.c) } : null));
    else if (path.includes('/certificates/')) expand([0], (b) => (b.c && d.elected(b.c) ? { ...b, id: d.elected(b.c) } : null));
    else binds = [];
  }
  const unknown = names.filter((n) => !['code', 'campaign', 'meeting', 'vote', 'token', 'id', 'report', 'talk', 'training'].includes(n));
  if (unknown.length > 0 || binds.length === 0) return [{ skip: `${path}: nothing to fill ${names.join(', ')} with` }];
  return binds.map((b) => ({ url: path.replace(/\{(\w+)\}/g, (_, n) => encodeURIComponent(b[n])) }));
}

/** A file name for a URL. */
function slug(url) {
  return url.replace(/^\//, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '') || 'home';
}

/**
 * The checks, run in the page. Text: what a person reads (`innerText` of the body, and the
 * placeholders of fields), without `.mono`, `code` and `kbd` elements, which hold identifiers on
 * purpose (certificate numbers, hashes, display-link URLs, login names, keys to press).
 */
function inPage(width) {
  const problems = { text: [], cell: [], overflow: [], field: [] };
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += `#${el.id}`;
    if (el.classList.length) s += `.${[...el.classList].join('.')}`;
    const t = (el.innerText || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 30);
    return t ? `${s} 「${t}」` : s;
  };

  // Cells: each visible td/th with text at least two characters (of its font) wide.
  for (const cell of document.querySelectorAll('td, th')) {
    const r = cell.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || !cell.innerText.trim()) continue;
    const fs = parseFloat(getComputedStyle(cell).fontSize);
    if (r.width + 0.5 < 2 * fs) problems.cell.push(`${name(cell)} is ${r.width.toFixed(1)} px wide (font ${fs} px)`);
    // A date, number or code, or a name or short phrase of up to six characters (正式候选人), is
    // never broken across lines.
    const t = cell.innerText.trim();
    const controls = cell.querySelector('input, button, select, textarea, img, svg');
    if (!controls && (/^[\x21-\x7e]{1,20}$/.test(t) || /^[\u4e00-\u9fff·]{2,6}$/.test(t))) {
      const tops = new Set();
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const q of range.getClientRects()) if (q.width > 0) tops.add(Math.round(q.top));
      }
      if (tops.size > 1) problems.cell.push(`${name(cell)} is broken across ${tops.size} lines (${r.width.toFixed(0)} px wide)`);
    }
  }

  // Columns: every row of a table spans as many columns as its header (no empty extra column).
  for (const table of document.querySelectorAll('table')) {
    if (table.getClientRects().length === 0) continue;
    const span = (tr) => [...tr.cells].reduce((n, c) => n + c.colSpan, 0);
    const head = table.tHead?.rows[0];
    if (!head) continue;
    const want = span(head);
    const bad = [...table.tBodies].flatMap((b) => [...b.rows]).filter((tr) => span(tr) !== want);
    if (bad.length) problems.cell.push(`${name(table)}: ${bad.length} rows span ${span(bad[0])} columns, the header ${want}`);
  }

  // Fields: a drop-down offers something to choose; a field says what it is for (a label, a
  // placeholder or title, or the header of its table column).
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  for (const el of document.querySelectorAll('select')) {
    if (visible(el) && ![...el.options].some((o) => o.text.trim())) problems.field.push(`${name(el)} (name=${el.name}) offers nothing to choose`);
  }
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type) || !visible(el)) continue;
    const labelled = el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
      || el.getAttribute('placeholder') || el.getAttribute('title')
      || el.closest('td')?.closest('table')?.querySelector('th');
    if (!labelled) problems.field.push(`${name(el)} (name=${el.name}) has no label`);
  }

  // Overflow: the page no wider than the window; name the widest elements that stick out.
  const sw = document.documentElement.scrollWidth;
  if (sw > width) {
    const out = [...document.body.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().right > width + 1)
      .filter((el) => ![...el.children].some((k) => k.getBoundingClientRect().right > width + 1));
    problems.overflow.push(`page is ${sw} px wide; sticking out: ${out.slice(0, 4).map(name).join('; ') || '?'}`);
  }

  // Text, with the identifier elements hidden for the moment.
  const style = document.createElement('style');
  style.textContent = '.mono, code, kbd { display: none !important; }';
  document.head.append(style);
  const placeholders = [...document.querySelectorAll('[placeholder]')]
    .filter((el) => el.getClientRects().length > 0 && !el.matches('.mono'))
    .map((el) => el.getAttribute('placeholder'));
  const text = [document.body.innerText, ...placeholders].join('\n');
  style.remove();
  return { problems, text };
}

/**
 * English words a page may show, each for a reason: file formats and paper sizes named as the
 * user sees them on their computer (PDF, PNG, JPEG, Excel, CSV, A4), the keys of the keyboard (Enter, Tab,
 * Esc, Ctrl, Shift), and ID as in 身份证号 columns' common short form. Nothing else.
 */
const ALLOWED_WORDS = new Set(['PDF', 'PNG', 'JPEG', 'Excel', 'CSV', 'XLSX', 'Enter', 'Tab', 'Esc', 'Ctrl', 'Shift', 'ID']);

/** What in a page's text is not Chinese: English identifiers, debug values, English words. */
function foreign(page, extraAllowed) {
  const found = new Set();
  // File extensions name files as the computer shows them (模板（.xlsx）).
  const text = page.replace(/\.(xlsx|csv|pdf|zip)\b/g, '');
  const patterns = [
    /\b[a-z]+_[a-z_]+\b/g, // snake_case identifiers (campaign_step, party_status)
    /[A-Za-z_][\w.]* ?= ?\S+/g, // `key = value` debug text
    /\b(true|false|null|None|Some|undefined|NaN|Infinity)\b/g, // values of a programming language
    /\b[a-z]+[A-Z][A-Za-z]*\b/g, // camelCase identifiers
    /[A-Za-z\u4e00-\u9fff][\w\u4e00-\u9fff]* ?= ?[A-Za-z]/g, // `组织类型 = zongzhi`
  ];
  for (const p of patterns) for (const m of text.matchAll(p)) found.add(m[0]);
  // English words of four letters or more, and lower-case words of any length (raw codes
  // such as `gt`, `due`): login names excepted.
  for (const m of text.matchAll(/\b([A-Za-z]{4,}|[a-z]{2,3})\b/g)) {
    if (!ALLOWED_WORDS.has(m[0]) && !extraAllowed.has(m[0])) found.add(m[0]);
  }
  return [...found];
}

function isKnown(role, route, check) {
  return KNOWN.find((k) => (k.role === '*' || k.role === role) && k.route === route && k.check === check);
}

test('as each demo role, every page it may reach reads Chinese only, squeezes no cell and fits 1366 px', { timeout: 300000 }, async () => {
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'huanjie-walk-'));
  const db = join(dir, 'huanjie.db');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const passwords = await loadDemo(dir);
  for (const u of Object.values(ACCOUNTS)) assert.ok(passwords[u], `the demo prints the password of ${u}`);
  const server = await startServer(dir, port);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  const failures = [];
  const known = new Set();
  const report = [];
  try {
    // A display link of the counting vote, so the projector's public page is walked too.
    const street = await new Api(base).login('jiedao', passwords.jiedao);
    const counting = sql(db, "select v.id from votes v join meetings m on m.id = v.meeting_id join communities c on c.id = m.community_id where c.code = 'sg02' order by v.id limit 1")[0];
    assert.ok(counting, 'the demo has a vote in 舜玉社区');
    await street.call('POST', `/api/v1/votes/${counting.id}/display-links`, {}, 201);
    // And one of a certified vote of 舜华社区, the community clerk's own.
    const certified = sql(db, "select v.id from votes v join meetings m on m.id = v.meeting_id join communities c on c.id = m.community_id where c.code = 'sg01' and v.state = 'certified' order by v.id desc limit 1")[0];
    if (certified) await street.call('POST', `/api/v1/votes/${certified.id}/display-links`, {}, 201);

    const routes = walkedRoutes();
    // Login names are shown as they are typed (the user list, the page header).
    const logins = new Set(sql(db, 'select username from users').map((u) => u.username));
    for (const role of ['anon', 'street', 'community', 'scrutineer', 'counter']) {
      // A clerk's browser: Chinese, so date fields and file pickers speak Chinese too.
      const context = await browser.newContext({ viewport: { width: WIDTH, height: 900 }, locale: 'zh-CN' });
      let page = role === 'anon'
        ? await context.newPage()
        : await logInPage(context, base, ACCOUNTS[role], passwords[ACCOUNTS[role]]);
      const d = demoData(db, ACCOUNTS[role]);
      const seen = { visited: 0, refused: [], skipped: [], downloads: [] };
      for (const route of routes.filter((r) => ACCESS[r.access].includes(role))) {
        for (const inst of instances(route.path, d)) {
          if (inst.skip) { seen.skipped.push(inst.skip); continue; }
          const where = `${role} ${inst.url} (${route.path})`;
          if (process.env.WALK_VERBOSE) console.error(where);
          let resp;
          try {
            // A page that neither loads nor fails within the bound is tried once more in a
            // fresh tab (the context keeps the login); the bound's timer also keeps node's event
            // loop alive, so a stuck browser call fails the test by name instead of leaving it
            // cancelled.
            try {
              resp = await within(PAGE_BOUND, page.goto(`${base}${inst.url}`, { waitUntil: 'load' }), where);
            } catch (e) {
              if (!/did not settle/.test(e.message)) throw e;
              await page.close().catch(() => {});
              page = await context.newPage();
              resp = await within(PAGE_BOUND, page.goto(`${base}${inst.url}`, { waitUntil: 'load' }), where);
            }
          } catch (e) {
            if (/Download is starting/.test(e.message)) { seen.downloads.push(inst.url); continue; }
            throw new Error(`${where}: ${e.message}`);
          }
          const status = resp.status();
          if (status === 403 || status === 404) { seen.refused.push(`${status} ${inst.url}`); continue; }
          // 409: not possible in the page's present state (a report before the count); the
          // page saying so is checked like any other.
          if (status === 409) seen.refused.push(`409 ${inst.url} (checked)`);
          if (status !== 200 && status !== 409) { failures.push(`${where}: answered ${status}`); continue; }
          if (!(resp.headers()['content-type'] || '').startsWith('text/html')) { seen.downloads.push(inst.url); continue; }
          if (status === 200) seen.visited++;
          if (process.env.WALK_VERBOSE) console.error('  screenshot');
          await within(PAGE_BOUND, page.screenshot({ path: join(SHOTS, `${role}-${slug(inst.url)}.png`), fullPage: true }), `${where} (screenshot)`);
          if (process.env.WALK_VERBOSE) console.error('  checks');
          const { problems, text } = await within(PAGE_BOUND, page.evaluate(inPage, WIDTH), `${where} (checks)`);
          const words = foreign(text, logins);
          if (words.length) problems.text.push(`not Chinese: ${words.slice(0, 12).map((w) => JSON.stringify(w)).join(', ')}`);
          for (const [check, list] of Object.entries(problems)) {
            if (list.length === 0) continue;
            const k = isKnown(role, route.path, check);
            const msg = `${where} [${check}] ${list.slice(0, 5).join(' | ')}${list.length > 5 ? ` (and ${list.length - 5} more)` : ''}`;
            if (k) known.add(`${msg} — KNOWN: ${k.reason}`);
            else failures.push(msg);
          }
        }
      }
      report.push(`${role}: ${seen.visited} pages walked, ${seen.refused.length} refused, ${seen.skipped.length} skipped, ${seen.downloads.length} downloads`);
      for (const s of seen.skipped) report.push(`  skipped ${s}`);
      for (const s of seen.refused) report.push(`  refused ${s}`);
      for (const s of seen.downloads) report.push(`  download ${s}`);
      if (role === 'street') assert.ok(seen.visited >= 40, `the street walked only ${seen.visited} pages`);
      if (role !== 'anon') assert.ok(seen.visited >= 3, `${role} walked only ${seen.visited} pages`);
      await context.close();
    }
  } finally {
    await browser.close();
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
  const fixedKnown = KNOWN.filter((k) => ![...known].some((m) => m.includes(`(${k.route}) [${k.check}]`)));
  const summary = [
    ...report,
    ...[...known].map((m) => `known: ${m}`),
    ...fixedKnown.map((k) => `KNOWN entry no longer fails (remove it): ${k.role} ${k.route} ${k.check}`),
  ].join('\n');
  console.log(summary);
  writeFileSync(join(SHOTS, 'walk.txt'), `${summary}\n${failures.join('\n')}\n`);
  assert.deepEqual(failures, [], `${failures.length} problems on the walked pages:\n${failures.join('\n')}`);
});
