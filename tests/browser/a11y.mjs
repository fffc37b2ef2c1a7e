// Accessibility and screenshots of the HTML report in Debian's headless Chromium.
// Every golden HTML report (tests/golden/html, both languages) and any extra report given
// on the command line is checked with axe-core at 360 px and 1280 px, light and dark:
// a serious or critical violation fails. Full-page screenshots go to tests/output/.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const require = createRequire(import.meta.url);
const here = resolve(import.meta.dirname);
const repo = resolve(here, '../..');
const outDir = join(repo, 'tests/output');
const goldenDir = join(repo, 'tests/golden/html');
mkdirSync(outDir, { recursive: true });

const reports = readdirSync(goldenDir).filter((f) => f.endsWith('.html')).map((f) => join(goldenDir, f));
reports.push(...process.argv.slice(2).map((p) => resolve(p)));

const widths = [360, 1280];
const schemes = ['light', 'dark'];
const profile = mkdtempSync(join(tmpdir(), 'certdoctor-chromium-'));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--no-first-run',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
  ],
});

let passed = 0;
let failed = 0;
const summary = [];
try {
  for (const file of reports) {
    for (const width of widths) {
      for (const scheme of schemes) {
        const name = `${basename(file, '.html')}-${width}-${scheme}`;
        const page = await browser.newPage();
        // Nothing may be fetched: any request other than the report itself fails the case.
        const fetched = [];
        await page.setRequestInterception(true);
        page.on('request', (req) => {
          if (req.url() === pathToFileURL(file).href) req.continue();
          else {
            fetched.push(req.url());
            req.abort();
          }
        });
        await page.setViewport({ width, height: 800, deviceScaleFactor: 1 });
        await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        await page.setRequestInterception(false);
        await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
        const result = await page.evaluate(async () =>
          // eslint-disable-next-line no-undef
          axe.run(document, { resultTypes: ['violations'] }),
        );
        const byImpact = { critical: 0, serious: 0, moderate: 0, minor: 0 };
        for (const v of result.violations) byImpact[v.impact] = (byImpact[v.impact] || 0) + v.nodes.length;
        const lang = await page.evaluate(() => document.documentElement.lang);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
        await page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });
        // The first screen as a person sees it (the README's picture is one of these).
        await page.screenshot({ path: join(outDir, `${name}-top.png`) });
        if (width === 1280 && scheme === 'light') {
          // The print stylesheet: navigation hidden, black on white.
          await page.emulateMediaType('print');
          const navShown = await page.evaluate(() => getComputedStyle(document.querySelector('nav')).display !== 'none');
          await page.screenshot({ path: join(outDir, `${name}-print.png`), fullPage: true });
          await page.emulateMediaType(null);
          if (navShown) fetched.push('(print stylesheet did not apply)');
        }
        await page.close();
        const bad = byImpact.critical + byImpact.serious > 0 || fetched.length > 0 || !lang || overflow;
        summary.push({ name, lang, ...byImpact, fetched: fetched.length, overflow, ok: !bad });
        if (bad) {
          failed++;
          console.log(`FAIL ${name}`);
          for (const v of result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
            console.log(`  ${v.impact} ${v.id}: ${v.help}`);
            for (const n of v.nodes.slice(0, 3)) console.log(`    ${n.target.join(' ')} ${n.failureSummary}`);
          }
          if (fetched.length) console.log(`  fetched: ${fetched.join(', ')}`);
          if (overflow) console.log('  the page scrolls sideways');
        } else {
          passed++;
          if (process.env.VERBOSE) {
            for (const v of result.violations) console.log(`  ${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
          }
          console.log(`ok   ${name} (critical ${byImpact.critical}, serious ${byImpact.serious}, moderate ${byImpact.moderate}, minor ${byImpact.minor})`);
        }
      }
    }
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
writeFileSync(join(outDir, 'axe-summary.json'), JSON.stringify(summary, null, 2) + '\n');
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
