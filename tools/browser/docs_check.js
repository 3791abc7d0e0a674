// docs_check.js - load Swagger UI pages in headless Chromium and use them as
// a person would: wait until the operations are listed, expand GET /health,
// "Try it out", "Execute", and expect a 200 in the page. Any console error,
// page error, failed request or HTTP error response fails the check. This
// is the regression test for Swagger UI under an API Gateway stage prefix.
//
// Usage: node docs_check.js --screenshots DIR URL...
//   (needs playwright-core, installed by tools/bootstrap; Chromium from
//   Debian at /usr/bin/chromium or $CHROMIUM)
"use strict";

const path = require("path");

function parseArgs(argv) {
  const args = { screenshots: null, urls: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--help" || argv[i] === "-h") {
      console.log("usage: node docs_check.js --screenshots DIR URL...");
      process.exit(0);
    } else if (argv[i] === "--screenshots") {
      args.screenshots = argv[++i];
    } else {
      args.urls.push(argv[i]);
    }
  }
  if (!args.screenshots || args.urls.length === 0) {
    console.error("usage: node docs_check.js --screenshots DIR URL...");
    process.exit(2);
  }
  return args;
}

function loadPlaywright() {
  try {
    return require("playwright-core");
  } catch (e) {
    console.error("playwright-core not found: run tools/bootstrap (it installs tools/browser/package-lock.json)");
    process.exit(2);
  }
}

// Records everything that went wrong while the page was used.
function watch(page) {
  const problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("requestfailed", (req) =>
    problems.push(`request failed: ${req.url()} (${req.failure() && req.failure().errorText})`));
  page.on("response", (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return problems;
}

async function checkPage(browser, url, screenshotDir) {
  const page = await browser.newPage();
  const problems = watch(page);
  await page.goto(url, { waitUntil: "load", timeout: 20000 });
  await page.waitForSelector(".opblock", { timeout: 20000 });
  const operations = await page.locator(".opblock").count();
  const health = page.locator('.opblock:has(.opblock-summary-path[data-path="/health"])');
  await health.locator(".opblock-summary").click();
  await health.locator(".try-out__btn").click();
  await health.locator(".execute").click();
  const status = health.locator(".live-responses-table .response .response-col_status").first();
  await status.waitFor({ timeout: 15000 });
  const statusText = (await status.innerText()).trim();
  const name = new URL(url).pathname.replace(/^\/|\/$/g, "").replace(/\//g, "_") || "root";
  const shot = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  await page.close();
  if (!statusText.startsWith("200")) problems.push(`Execute GET /health answered ${statusText}`);
  return { url, operations, statusText, shot, problems };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const { chromium } = loadPlaywright();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  let failed = 0;
  try {
    for (const url of args.urls) {
      let result;
      try {
        result = await checkPage(browser, url, args.screenshots);
      } catch (e) {
        result = { url, operations: 0, statusText: "-", shot: "-", problems: [e.message.split("\n")[0]] };
      }
      const ok = result.problems.length === 0;
      failed += ok ? 0 : 1;
      console.log(`${ok ? "PASS" : "FAIL"}  ${url}: ${result.operations} operations, ` +
        `Execute GET /health -> ${result.statusText}, screenshot ${result.shot}`);
      for (const p of result.problems) console.log(`      ${p}`);
    }
  } finally {
    await browser.close();
  }
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(`docs_check: ${e.message}`);
  process.exit(1);
});
