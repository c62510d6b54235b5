// Print checks through headless Chromium's PDF output (A4, print media, backgrounds): on the
// demo street (`huanjie demo`), the ballots of the demo votes are one page each, every result
// notice is one page (特此公告 and the signature never alone on a page of their own), and the
// 选民证 print eight to a page. Ballots made through the API — seven candidates on a post, and
// fifteen on a post of a residents' and of a Party vote — are one page too. Every document is
// Chinese only: no English word or `key = value` text. The PDFs and a PNG of each document are
// kept under target/browser/print-*.
//
// Run: `HUANJIE_BIN=target/debug/huanjie node --test tests/browser/print.test.mjs`. Needs
// Debian's chromium at /usr/bin/chromium (or CHROMIUM=...).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { freePort, startServer, stopServer, loadDemo, Api, logInPage } from './server.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS = join(ROOT, 'target', 'browser');
/** CSS pixels of an A4 page at 96 dpi: the width of the screenshots, and a page's height. */
const A4 = { width: 794, height: 1123 };

/** The pages of a PDF: its page objects (`/Type /Page`, not the `/Pages` tree nodes). */
function pdfPages(pdf) {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![A-Za-z])/g) || []).length;
}

/** What a person reads that is not Chinese: English words or `key = value` debug text. The
 *  certificate numbers (XM-sg01-08-00165) and the audit chain's hex head are allowed. */
function foreignText(text) {
  const rest = text
    .replace(/\b[A-Z]{2}-[a-z]{2}\d{2}-\d{2}-\d{5}\b/g, '')
    .replace(/\b[0-9a-f]{32,}\b/g, '')
    // Lines left blank for a signature or a date by hand (______年____月____日).
    .replace(/_{3,}/g, '');
  return [...rest.matchAll(/[A-Za-z_]{2,}|\S+\s*=\s*\S+/g)].map((m) => m[0]);
}

/** A ballot's posts: `[post, seats, count]` to names — distinct, with surnames of varied strokes. */
function posts(spec) {
  const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余杜叶程魏苏吕丁任沈姚卢钟姜崔谭陆范汪廖石金贾';
  const given = ['建国', '秀英', '卫东', '丽华', '志强', '桂兰', '海涛', '玉珍', '文博', '雅婷', '振华', '淑芬', '德明', '晓燕', '国庆'];
  let k = 0;
  return spec.map(([post, seats, n]) => ({
    post, seats,
    candidates: Array.from({ length: n }, () => { const name = surnames[k] + given[k % given.length]; k++; return name; }),
  }));
}

test('the demo ballots and notices print on one A4 page each, 选民证 eight to a page, and 15 candidates on a post still fit one page', { timeout: 120000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'huanjie-print-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const accounts = await loadDemo(dir);
  assert.ok(accounts.jiedao, 'the demo prints the street account jiedao');
  const server = await startServer(dir, port);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  try {
    const street = await new Api(base).login('jiedao', accounts.jiedao);
    const campaigns = (await street.call('GET', '/api/v1/campaigns', undefined, 200)).campaigns;
    const campaign = (code) => campaigns.find((c) => c.community === code).campaign.id;
    const sg01 = campaign('sg01');
    const congress = (await street.call('GET', `/api/v1/campaigns/${sg01}/party/congress`, undefined, 200)).congress;
    const election = (await street.call('GET', `/api/v1/campaigns/${sg01}/residents/election`, undefined, 200)).election;
    const voters = (await street.call('GET', `/api/v1/campaigns/${sg01}/residents/voters`, undefined, 200)).voters
      .filter((v) => !v.removed);

    // Ballots made by hand in sg03, whose campaign the demo leaves untouched.
    const meeting = async (kind, title) => (await street.call('POST', '/api/v1/communities/sg03/meetings',
      { title, kind, date: '2027-05-15' }, 201)).id;
    const residents = await meeting('residents', '第八届居民委员会选举大会');
    const party = await meeting('party', '第八届社区党组织换届选举党员大会');
    const vote = async (m, preset, title, spec) => {
      const v = await street.call('POST', `/api/v1/meetings/${m}/votes`,
        { title, preset, electorate: 300, posts: posts(spec) }, 201);
      return { id: v.id, names: v.posts.flatMap((p) => p.candidates) };
    };
    const seven = await vote(residents, 'residents', '选举居民委员会成员（七人）',
      [['主任', 1, 2], ['副主任', 1, 2], ['委员', 5, 7]]);
    const fifteen = await vote(residents, 'residents', '选举居民委员会成员（十五人）',
      [['主任', 1, 2], ['副主任', 2, 3], ['委员', 6, 15]]);
    const partyFifteen = await vote(party, 'party', '选举社区党组织委员会委员（十五人）', [['委员', 9, 15]]);

    const ctx = await browser.newContext({ viewport: A4 });
    const page = await logInPage(ctx, base, 'jiedao', accounts.jiedao);
    await page.emulateMedia({ media: 'print' });
    /** Prints a document to PDF; keeps the PDF and a PNG of its first pages; checks its text. */
    const print = async (name, path) => {
      const r = await page.goto(`${base}${path}`);
      assert.equal(r.status(), 200, `${name}: ${path}`);
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      writeFileSync(join(SHOTS, `print-${name}.pdf`), pdf);
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.screenshot({
        path: join(SHOTS, `print-${name}.png`),
        clip: { x: 0, y: 0, width: A4.width, height: Math.min(height, 2 * A4.height) },
      });
      const text = await page.innerText('body');
      assert.deepEqual(foreignText(text), [], `${name}: text that is not Chinese`);
      return { pages: pdfPages(pdf), text };
    };

    // The demo's ballots: the Party's 委员 (seven candidates on the post) and the residents'.
    const ballots = [
      ['ballot-party-demo', congress.members_vote_id, 7],
      ['ballot-party-leaders-demo', congress.leaders_vote_id, 2],
      ['ballot-residents-demo', election.vote_id, 7],
      ['ballot-residents-seven', seven.id, 11],
      ['ballot-residents-fifteen', fifteen.id, 20],
      ['ballot-party-fifteen', partyFifteen.id, 15],
    ];
    for (const [name, id, candidates] of ballots) {
      const { pages, text } = await print(name, `/votes/${id}/ballot`);
      assert.equal(pages, 1, `${name} (${candidates} candidates): ${pages} pages`);
      assert.match(text, /填写说明/);
      if (id === fifteen.id) for (const n of fifteen.names) assert.ok(text.includes(n), `${n} on the ballot`);
    }

    // The notices of the demo's certified votes, and the residents' notice of R-8.
    const notices = [
      ['notice-party-members', `/votes/${congress.members_vote_id}/notice`],
      ['notice-party-leaders', `/votes/${congress.leaders_vote_id}/notice`],
      ['notice-residents', `/votes/${election.vote_id}/notice`],
      ['notice-residents-r8', `/communities/sg01/campaigns/${sg01}/residents/result/notice`],
    ];
    for (const [name, path] of notices) {
      const { pages, text } = await print(name, path);
      assert.equal(pages, 1, `${name}: ${pages} pages`);
      assert.match(text, /特此公告/);
    }

    // 选民证: one per voter on the list, eight to a page.
    assert.ok(voters.length > 8, `the demo has ${voters.length} voters`);
    const certs = await print('voters-certificates', `/communities/sg01/campaigns/${sg01}/residents/voters/certificates`);
    assert.equal(await page.locator('.certificate').count(), voters.length, 'one 选民证 per voter');
    assert.equal(certs.pages, Math.ceil(voters.length / 8),
      `${voters.length} 选民证 on ${certs.pages} pages, not eight to a page`);

    // D-1: the demo's collective talk (every nominee and candidate of 舜华社区, two signers a
    // row) on one page, with its signature lines.
    const talk = await print('discipline-talk', '/discipline/talks/1/print');
    assert.equal(talk.pages, 1, `the talk record: ${talk.pages} pages`);
    assert.match(talk.text, /谈话对象签名/);
    assert.match(talk.text, /谈话人（签名）/);

    // W-1: the demo's 交接清单 (fifteen items, both tick columns, three signature lines) on one page.
    const handover = await print('wrapup-handover', `/communities/sg01/campaigns/${sg01}/wrapup/handover/print`);
    assert.equal(handover.pages, 1, `the handover list: ${handover.pages} pages`);
    for (const s of ['社区党组织印章', '交出方确认', '接收方确认', '交出方（签名）', '接收方（签名）', '监交人（签名）']) {
      assert.ok(handover.text.includes(s), `${s} on the handover list`);
    }
  } finally {
    await browser.close();
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
});
