// Shared by the browser tests: a static server for dist/ on 127.0.0.1, headless Debian
// Chromium through playwright-core, and helpers to drop files on the page like a user.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const dist = path.join(root, 'dist');
export const shots = path.join(root, 'target', 'screenshots');

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm',
  '.trace': 'application/octet-stream', '.json': 'application/json' };

/** Serves `dir` on 127.0.0.1 (a free port); resolves with {url, close}. Also serves extra
 * files from `extra` (name -> absolute path): under /files/ with their length, under
 * /chunked/ without one, under /gzip/ compressed (the length is the compressed size). */
export function serve(dir = dist, extra = {}) {
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    const how = ['files', 'chunked', 'gzip'].find((w) => u.pathname.startsWith(`/${w}/`));
    let file;
    if (how) file = extra[decodeURIComponent(u.pathname.slice(how.length + 2))];
    else file = path.join(dir, decodeURIComponent(u.pathname === '/' ? '/index.html' : u.pathname));
    if (!file || !file.startsWith(dir) && !Object.values(extra).includes(file) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404); res.end('not found'); return;
    }
    const headers = { 'content-type': types[path.extname(file)] || 'application/octet-stream', 'access-control-allow-origin': '*' };
    if (how === 'gzip') {
      const body = zlib.gzipSync(fs.readFileSync(file));
      res.writeHead(200, { ...headers, 'content-encoding': 'gzip', 'content-length': body.length });
      res.end(body);
      return;
    }
    if (how !== 'chunked') headers['content-length'] = fs.statSync(file).size;
    res.writeHead(200, headers);
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) });
  }));
}

/** Headless Chromium (Debian's), as root, with no network chatter; a fresh profile each time.
 * `args`: more command-line flags. */
export async function browser(args = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gotrace-chromium-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--allow-file-access-from-files', ...args],
  });
  const close = async () => { await ctx.close(); fs.rmSync(dir, { recursive: true, force: true }); };
  return { ctx, close };
}

/** Opens a page and collects console errors, page errors and requests leaving 127.0.0.1. */
export async function open(ctx, url) {
  const page = await ctx.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('request', (r) => {
    const u = r.url();
    if (!/^(http:\/\/127\.0\.0\.1[:/]|file:|blob:|data:)/.test(u)) problems.push(`request left the machine: ${u}`);
  });
  await page.goto(url);
  return { page, problems };
}

/** Drops a file on the page through a real drop event (DataTransfer), as a user would. */
export async function dropFile(page, file) {
  const bytes = fs.readFileSync(file).toString('base64');
  await page.evaluate(({ bytes, name }) => {
    const data = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([data], name));
    for (const type of ['dragenter', 'dragover', 'drop']) {
      document.body.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
    }
  }, { bytes, name: path.basename(file) });
}

/** Waits until the page shows the trace `name` loaded (or an error). */
export async function waitLoaded(page, name) {
  await page.waitForFunction((n) => {
    const t = window.GT && GT.app && GT.app.trace;
    const err = document.getElementById('error');
    return (t && t.name === n && !GT.app.loading) || (err && !err.hidden);
  }, name, { timeout: 60000 });
}

export async function screenshot(page, name) {
  fs.mkdirSync(shots, { recursive: true });
  const file = path.join(shots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** The CLI's document for a trace (the reference the page must equal). */
export function cliJson(file) {
  const out = require_child().execFileSync(path.join(root, 'target/release/gotrace'), ['analyze', '--json', file],
    { maxBuffer: 1 << 30 });
  return JSON.parse(out.toString());
}

function require_child() {
  return childProcess;
}
import * as childProcess from 'node:child_process';
