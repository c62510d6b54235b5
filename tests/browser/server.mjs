// Shared by the browser tests: a server on a fresh SQLite file, an API session, a page login.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = process.env.HUANJIE_BIN || join(ROOT, 'target', 'debug', 'huanjie');
/** The first street account's password (it passes the strength check). */
export const ADMIN_PW = 'Liu-shu-qiao-2027';

export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

/** Starts the server on a database file; resolves when it answers. */
export async function startServer(dir, port) {
  const child = spawn(BIN, ['serve'], {
    cwd: dir,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite:${join(dir, 'huanjie.db')}`,
      HUANJIE_BIND: `127.0.0.1:${port}`,
      HUANJIE_ADMIN_PASSWORD: ADMIN_PW,
      RUST_LOG: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/login`);
      if (r.ok) return child;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

export function stopServer(child) {
  return new Promise((resolve) => {
    // A server that has already exited sends no 'exit' again: waiting for one would leave
    // the test pending with nothing to wake it.
    if (child.exitCode !== null || child.signalCode !== null) { resolve(); return; }
    child.once('exit', resolve);
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => clearTimeout(kill));
  });
}

/** A JSON API session (cookie + CSRF token). */
export class Api {
  constructor(base) { this.base = base; this.cookie = ''; this.csrf = ''; this.n = 0; }
  async login(username, password) {
    const r = await fetch(`${this.base}/api/v1/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const text = await r.text();
    assert.equal(r.status, 200, `login ${username}: ${text}`);
    this.cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    this.csrf = JSON.parse(text).csrf_token;
    return this;
  }
  async call(method, path, body, expect) {
    const r = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        'content-type': 'application/json', cookie: this.cookie,
        'x-csrf-token': this.csrf, 'idempotency-key': `bt-${Date.now()}-${this.n++}`,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (expect) assert.equal(r.status, expect, `${method} ${path}: ${text}`);
    return text ? JSON.parse(text) : null;
  }
}

export async function logInPage(context, base, username, password) {
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('button')]);
  assert.ok(!page.url().includes('/login'), `login of ${username} failed`);
  return page;
}


/**
 * Loads the demo street (`huanjie demo`) into the database of `dir`, before `startServer`;
 * resolves to the demo accounts' passwords by account name (they are printed only once).
 */
export function loadDemo(dir) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ['demo'], {
      cwd: dir,
      env: {
        ...process.env,
        DATABASE_URL: `sqlite:${join(dir, 'huanjie.db')}`,
        HUANJIE_BIND: '127.0.0.1:0',
        HUANJIE_ADMIN_PASSWORD: ADMIN_PW,
        RUST_LOG: 'warn',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`demo exited with ${code}: ${out}`));
      const accounts = {};
      for (const m of out.matchAll(/^\s*\S+\s+([a-z]+)\s+(\S{12,})\s*$/gm)) accounts[m[1]] = m[2];
      resolve(accounts);
    });
  });
}
