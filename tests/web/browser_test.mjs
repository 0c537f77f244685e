// The browser build in Debian's headless Chromium, driven by puppeteer-core:
// serves the page on 127.0.0.1, opens a lesson in Russian, clicks Next three
// times where the window drew the button, checks the state and the last
// exchange row the page reports (gui/screen_summary.hpp, the same summary
// as `mailscope gui --screen-json`) against the native window's, switches
// the page to English, exports the transcript from the File menu and
// compares the download with the native one, and saves a screenshot. Then
// it opens lesson files from the disk: a broken one must give the native
// loader's error (line, column, sentence), a good one must be shown.
//
// usage: node browser_test.mjs --site DIR --native MAILSCOPE --work DIR
//                              --source DIR [--lesson ID] [--chromium PATH]
// Exits 77 (skipped) when Chromium, puppeteer-core (scripts/setup puts it in
// tests/web/node_modules), the browser build or a display for the native
// window (X or xvfb-run) is missing, unless CI is set: then 1.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";

const { values: options } = parseArgs({
  options: {
    site: { type: "string" },
    native: { type: "string" },
    work: { type: "string" },
    source: { type: "string" },
    lesson: { type: "string", default: "02-login-logout" },
    chromium: { type: "string", default: "/usr/bin/chromium" },
  },
});
const skipped = 77;
const overall_ms = 180_000;
const wait_ms = 30_000;

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exitCode = 1;
}

function check(condition, message) {
  if (!condition) fail(message);
  return condition;
}

function missing(what) {
  console.error(`cannot test the page: ${what}`);
  process.exit(process.env.CI ? 1 : skipped);
}

if (!fs.existsSync(options.chromium)) missing(`no Chromium at ${options.chromium} (Debian's chromium)`);
const puppeteer = await import("puppeteer-core").then((module) => module.default,
  () => missing("no puppeteer-core in tests/web/node_modules (scripts/setup)"));
if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY &&
    spawnSync("sh", ["-c", "command -v xvfb-run"]).status !== 0) {
  missing("no display and no xvfb-run for the native window");
}
for (const file of ["index.html", "mailscope-web.js", "mailscope-web.wasm", "mailscope-web.data"]) {
  if (!fs.existsSync(path.join(options.site, file))) {
    missing(`the browser build has no ${file} in ${options.site} (scripts/build-web)`);
  }
}
fs.mkdirSync(options.work, { recursive: true });
const downloads = path.join(options.work, "downloads");
fs.rmSync(downloads, { recursive: true, force: true });
fs.mkdirSync(downloads);

// What the native window shows after `steps` steps in `language`, and the
// transcript it writes of them.
function native_screen(language, steps) {
  const base = path.join(options.work, `native-${language}`);
  const result = spawnSync(options.native, [
    "gui", "--lesson", options.lesson, "--lang", language, "--step", String(steps),
    "--size", "1600x1000", "--screenshot", `${base}.png`, "--screen-json", `${base}.json`,
    "--transcript", `${base}.txt`,
  ], { encoding: "utf-8", timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(`native gui failed (${result.status}): ${result.stderr}`);
  }
  return {
    screen: JSON.parse(fs.readFileSync(`${base}.json`, "utf-8")),
    transcript: fs.readFileSync(`${base}.txt`, "utf-8"),
  };
}

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".data": "application/octet-stream",
};

function serve(root) {
  const server = http.createServer((request, response) => {
    const wanted = decodeURIComponent(new URL(request.url, "http://x").pathname);
    const file = path.join(root, wanted === "/" ? "index.html" : path.normalize(wanted));
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      "Content-Type": types[path.extname(file)] || "application/octet-stream",
    });
    fs.createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function screen(page) {
  return JSON.parse(await page.evaluate(() => Module.ccall("mailscope_screen_json", "string", [], [])));
}

// Waits for the page's summary to satisfy `ready`; gives that summary.
async function screen_when(page, ready, what) {
  const deadline = Date.now() + wait_ms;
  for (;;) {
    const shown = await screen(page);
    if (ready(shown)) return shown;
    if (Date.now() > deadline) throw new Error(`waited in vain for ${what}: ${JSON.stringify(shown)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Clicks the middle of a control the window drew (its pixels are the
// canvas's, the device pixel ratio apart).
async function click_control(page, name) {
  const shown = await screen_when(page, (s) => s.controls && s.controls[name], `control ${name}`);
  const [x, y, width, height] = shown.controls[name];
  const at = await page.evaluate(() => {
    const box = document.getElementById("canvas").getBoundingClientRect();
    return { left: box.left, top: box.top, ratio: window.devicePixelRatio };
  });
  await page.mouse.click(at.left + (x + width / 2) / at.ratio, at.top + (y + height / 2) / at.ratio);
}

function wait_for_download(pattern) {
  const deadline = Date.now() + wait_ms;
  return new Promise((resolve, reject) => {
    const look = () => {
      const found = fs.readdirSync(downloads).find((name) => pattern.test(name));
      if (found) {
        resolve(path.join(downloads, found));
      } else if (Date.now() > deadline) {
        reject(new Error(`no download matching ${pattern} in ${downloads}`));
      } else {
        setTimeout(look, 100);
      }
    };
    look();
  });
}

async function run(site) {
  const native_ru = native_screen("ru", 3);
  const native_en = native_screen("en", 3);
  const browser = await puppeteer.launch({
    executablePath: options.chromium,
    headless: true,
    args: ["--headless=new", "--no-sandbox", "--use-angle=swiftshader",
           "--enable-unsafe-swiftshader", "--window-size=1600,1000"],
    defaultViewport: null,
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    const cdp = await page.createCDPSession();
    await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: downloads });

    const opened = Date.now();
    await page.goto(`${site}/index.html?lesson=${options.lesson}&lang=ru`);
    await page.waitForFunction(() => window.mailscopeFirstFrame !== undefined, { timeout: wait_ms });
    const first_frame = await page.evaluate(() => window.mailscopeFirstFrame);
    console.log(`first frame ${Math.round(first_frame)} ms after the page's start ` +
                `(${Date.now() - opened} ms with the test's overhead)`);
    // The canvas follows the page: make it the native window's 1600x1000.
    const header = await page.$eval("header", (element) => element.getBoundingClientRect().height);
    await page.setViewport({ width: 1600, height: 1000 + Math.ceil(header) });
    const bottom = (s) => Math.max(0, ...Object.values(s.layout || {}).map(([, y, , h]) => y + h));
    let shown = await screen_when(page, (s) => s.steps > 0 && Math.abs(bottom(s) - 1000) < 2,
                                  "the lesson tiled to a 1600x1000 canvas");
    const start = shown.step;
    for (let click = 1; click <= 3; ++click) {
      await click_control(page, "next");
      shown = await screen_when(page, (s) => s.step === start + click, `step ${start + click}`);
    }
    console.log(`after three clicks on Next: step ${shown.step} of ${shown.steps}, ` +
                `state "${shown.state}", last row "${shown.last_row}"`);
    check(shown.step === native_ru.screen.step,
          `step ${shown.step}, the native window's ${native_ru.screen.step}`);
    check(shown.state === native_ru.screen.state,
          `state "${shown.state}", the native window's "${native_ru.screen.state}"`);
    check(shown.last_row === native_ru.screen.last_row,
          `last row "${shown.last_row}", the native window's "${native_ru.screen.last_row}"`);
    check(shown.rows === native_ru.screen.rows,
          `${shown.rows} rows, the native window's ${native_ru.screen.rows}`);
    check(/[А-Яа-я]/.test(shown.last_row), `a row in Russian: "${shown.last_row}"`);

    await page.click("#lang-en");
    shown = await screen_when(page, (s) => s.last_row === native_en.screen.last_row,
                              `the native window's English last row "${native_en.screen.last_row}"`);
    check(shown.state === native_en.screen.state,
          `state "${shown.state}" in English, the native window's "${native_en.screen.state}"`);
    check(await page.evaluate(() => localStorage.getItem("mailscope.lang")) === "en",
          "the language kept in localStorage");

    await click_control(page, "file");
    await click_control(page, "export-text");
    const exported = await wait_for_download(/^mailscope-.*\.txt$/);
    const transcript = fs.readFileSync(exported, "utf-8");
    check(transcript === native_en.transcript,
          `the exported transcript ${exported} differs from the native one`);
    check(/^C: /m.test(transcript) && /^S: /m.test(transcript), "a C:/S: transcript");

    const shot = path.join(options.work, "browser.png");
    await page.screenshot({ path: shot });
    console.log(`screenshot: ${shot}; the native window's: ${path.join(options.work, "native-ru.png")}`);

    // A panel moved by hand: ImGui saves the layout a few seconds later.
    const [x, y, width] = (await screen(page)).layout.mailbox;
    const ratio = await page.evaluate(() => window.devicePixelRatio);
    const canvas_top = await page.$eval("#canvas", (element) => element.getBoundingClientRect().top);
    await page.mouse.move((x + width / 2) / ratio, canvas_top + (y + 8) / ratio);
    await page.mouse.down();
    await page.mouse.move((x + width / 2) / ratio - 40, canvas_top + (y + 8) / ratio - 40, { steps: 8 });
    await page.mouse.up();
    await page.waitForFunction(() => localStorage.getItem("mailscope.layout") !== null,
                               { timeout: wait_ms });
    check((await page.evaluate(() => localStorage.getItem("mailscope.layout"))).includes("[Window]"),
          "the window's layout kept in localStorage");

    // The native error names the file where it is; the page's, where the
    // page put it: the rest (line, column, sentence) must be the same.
    const broken = path.join(options.source, "tests/lessons/broken/unknown_field.yaml");
    const refused = spawnSync(options.native, ["lesson", "run", broken, "--lang", "en", "--check"],
                              { encoding: "utf-8", timeout: 60_000 });
    const reason = refused.stderr.trim().slice(broken.length);
    check(refused.status === 2 && /^:\d+:\d+: /.test(reason),
          `the native loader's error for ${broken}: ${refused.stderr}`);
    const chooser = await page.$("#open-file");
    await chooser.uploadFile(broken);
    await page.waitForFunction(() => !document.getElementById("problem").hidden, { timeout: wait_ms });
    const shown_error = await page.$eval("#problem", (element) => element.textContent);
    check(shown_error === `/mailscope/lessons/own/unknown_field.yaml${reason}`,
          `the page's error "${shown_error}", the native one ends "${reason}"`);

    const own = path.join(options.work, "own-greeting.yaml");
    fs.copyFileSync(path.join(options.source, "lessons/imap/01-greeting.yaml"), own);
    await chooser.uploadFile(own);
    await page.waitForFunction(() => document.getElementById("problem").hidden, { timeout: wait_ms });
    shown = await screen_when(page, (s) => s.step === 0 && s.events === 0, "the opened lesson");
    check(shown.steps === 4, `the opened lesson has ${shown.steps} steps, 01-greeting 4`);
    check(errors.length === 0, `the page reported errors: ${errors.join("; ")}`);
  } finally {
    await browser.close();
  }
}

const server = await serve(path.resolve(options.site));
const timer = setTimeout(() => {
  console.error(`FAIL: not done after ${overall_ms / 1000} s`);
  process.exit(1);
}, overall_ms);
try {
  await run(`http://127.0.0.1:${server.address().port}`);
} catch (error) {
  fail(error.stack || String(error));
} finally {
  clearTimeout(timer);
  server.close();
}
