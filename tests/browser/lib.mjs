// Shared by gate.mjs and screenshots.mjs: a tiny static server for a built
// site, the list of its pages, and Debian Chromium launched the one way we use.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The axe-core rule tags every browser test runs: WCAG 2.0, 2.1 and 2.2, A and AA. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let axeText = null;
/** axe-core's script (from npm), read once. */
export async function axeSource() {
  axeText ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeText;
}

/** axe-core's violations of AXE_TAGS on the page, each as "id (nodes): first target". */
export async function axeViolations(page) {
  await page.evaluate(await axeSource());
  return page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } })
      .then((r) => r.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes[0] ? v.nodes[0].target.join(' ') : ''}`)),
    AXE_TAGS,
  );
}

/**
 * A test's named checks: `check(ok, what, detail)` prints each failure and
 * returns ok; `finish()` prints `name: N passed, M failed` and exits 1 on any
 * failure.
 */
export function tally(name) {
  let passed = 0;
  let failed = 0;
  return {
    check(ok, what, detail = '') {
      if (ok) passed++;
      else {
        failed++;
        console.log(`FAIL ${what}${detail ? `: ${detail}` : ''}`);
      }
      return ok;
    },
    finish() {
      console.log(`${name}: ${passed} passed, ${failed} failed`);
      process.exit(failed ? 1 : 0);
    },
  };
}

export const CHROMIUM = process.env.WAYMARK_CHROMIUM || '/usr/bin/chromium';

// Exactly these flags (plus a fresh --user-data-dir); puppeteer adds only the
// transport it talks over (--remote-debugging-pipe).
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const WIDTHS = [1280, 360];
export const HEIGHTS = { 1280: 800, 360: 740 };

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.pdf': 'application/pdf',
};

export function contentType(file) {
  return TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
}

async function fileAt(p) {
  try {
    return await stat(p);
  } catch {
    return null;
  }
}

/**
 * Serves `root` on 127.0.0.1 at a free port. Directories answer with their
 * index.html (a directory asked for without its slash is redirected to it,
 * as static hosts do); anything missing answers 404 with the site's 404.html.
 * Options: `root` may be a function (asked at every request, so a test can
 * publish a new build), `log(path, status, bytes)` hears every answer, and
 * `refuse(path)`, when it returns true, drops the connection unanswered (a
 * host out of reach).
 * Resolves to { server, origin, close() }.
 */
export async function serve(rootOrFn, { log, refuse } = {}) {
  const rootOf = typeof rootOrFn === 'function' ? () => path.resolve(rootOrFn()) : ((r) => () => r)(path.resolve(rootOrFn));

  const send = (res, status, file, st, head, url) => {
    if (log) log(url, status, head ? 0 : st.size);
    res.writeHead(status, {
      'Content-Type': contentType(file),
      'Content-Length': st.size,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    if (head) res.end();
    else createReadStream(file).pipe(res);
  };

  const server = createServer(async (req, res) => {
    const root = rootOf();
    const notFound = path.join(root, '404.html');
    if (refuse && refuse(req.url)) {
      req.socket.destroy();
      return;
    }
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      const head = req.method === 'HEAD';
      const url = new URL(req.url, 'http://127.0.0.1');
      let rel;
      try {
        rel = decodeURIComponent(url.pathname);
      } catch {
        rel = null;
      }
      let file = rel === null || rel.includes('\0') ? null : path.join(root, path.normalize(rel));
      if (file && file !== root && !file.startsWith(root + path.sep)) file = null;

      let st = file && (await fileAt(file));
      if (st && st.isDirectory()) {
        if (!url.pathname.endsWith('/')) {
          res.writeHead(301, { Location: url.pathname + '/' + url.search }).end();
          return;
        }
        file = path.join(file, 'index.html');
        st = await fileAt(file);
      }
      if (st && st.isFile()) {
        send(res, 200, file, st, head, url.pathname);
        return;
      }
      const nf = await fileAt(notFound);
      if (nf && nf.isFile()) send(res, 404, notFound, nf, head, url.pathname);
      else res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
    } catch (err) {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(String(err));
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    server,
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Every .html file under `root`, as paths relative to it with '/' separators, sorted. */
export async function htmlFiles(root) {
  const out = [];
  const walk = async (dir) => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && e.name.endsWith('.html')) out.push(path.relative(root, p).split(path.sep).join('/'));
    }
  };
  await walk(root);
  return out.sort();
}

/** The URL path a page is visited at: `a/b/index.html` → `/a/b/`. */
export function urlPathFor(file) {
  if (file === 'index.html') return '/';
  if (file.endsWith('/index.html')) return '/' + file.slice(0, -'index.html'.length);
  return '/' + file;
}

/** Launches Debian Chromium headless with a fresh profile. Resolves to { browser, close() }. */
export async function launch() {
  const { default: puppeteer } = await import('puppeteer-core');
  const profile = await mkdtemp(path.join(tmpdir(), 'waymark-chromium-'));
  let browser;
  try {
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      ignoreDefaultArgs: true,
      args: [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`],
      pipe: true,
      headless: true,
      defaultViewport: null,
      protocolTimeout: 120_000,
    });
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
  return {
    browser,
    close: async () => {
      await browser.close().catch(() => {});
      await rm(profile, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
