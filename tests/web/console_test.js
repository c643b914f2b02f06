// The web console in a real browser (Debian's chromium driven by
// playwright-core): a real hub file, real accounts made with the real
// command line, `outpost-hub web` as its own process on 127.0.0.1, pages
// worked as a person would, and the attacks of issue 18 tried. Screenshots of
// the main pages go to $OUTPOST_SCREENSHOTS. Time is pinned (OUTPOST_NOW);
// the expiry check restarts the console 9 hours later.
//
// Run by ctest (tests/CMakeLists.txt) with OUTPOST_HUB_BIN, OUTPOST_TOOL_BIN,
// OUTPOST_PLAYWRIGHT (the folder holding node_modules/playwright-core) and
// OUTPOST_SCREENSHOTS. Prints "N passed, M failed" and exits non-zero on any failure.
// With OUTPOST_TEST_PG_URL (the test run's PostgreSQL cluster, ctest's
// web_console_browser_pg), the hub lives in a fresh database there instead of
// a file: the same pages and the same attacks, on the other backend.
"use strict";

const assert = require("node:assert/strict");
const { spawn, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const http = require("node:http");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");

const hubBin = process.env.OUTPOST_HUB_BIN;
const toolBin = process.env.OUTPOST_TOOL_BIN;
const edgeBin = process.env.OUTPOST_EDGE_BIN;
const shots = process.env.OUTPOST_SCREENSHOTS || fs.mkdtempSync(path.join(os.tmpdir(), "shots-"));
const { chromium } = require(
  path.join(process.env.OUTPOST_PLAYWRIGHT || "/var/cache/outpost/playwright", "node_modules",
            "playwright-core"));

const NOW = "2026-11-23T01:00:00Z";  // Monday 09:00 in Shanghai
const LATER = "2026-11-23T10:00:00Z";  // 9 hours on: every session of NOW has expired
const work = fs.mkdtempSync(path.join(os.tmpdir(), "outpost-web-"));
const XSS_NAME = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">李娜";
const XSS_CUSTOMER = "王<img src=x onerror=\"window.__xss=3\">明";
const XSS_STAFF = "<b>吴</b><img src=x onerror=\"window.__xss=4\">飞";
const STORE_AHEAD = "2026-11-23T01:03:00Z";  // S1's clock: 3 minutes ahead of head office's

// A database of its own on the cluster at `adminUrl` (dropped first if a
// killed run of this process id left it); its URL.
function freshPgDatabase(adminUrl) {
  const name = "web_console_" + process.pid;
  execFileSync("psql", [adminUrl, "-X", "-q", "-v", "ON_ERROR_STOP=1",
                        "-c", `DROP DATABASE IF EXISTS ${name}`,
                        "-c", `CREATE DATABASE ${name} TEMPLATE template0`]);
  return adminUrl.replace(/^(postgresql:\/\/[^/?]*)\/[^?]*/, `$1/${name}`);
}
const pgAdmin = process.env.OUTPOST_TEST_PG_URL || "";
const hubDb = pgAdmin ? freshPgDatabase(pgAdmin) : path.join(work, "hub.db");

function hub(args, input) {
  return execFileSync(hubBin, ["--db", hubDb, "--key",
                               path.join(work, "keys", "HUB.key"), ...args],
                      { env: { ...process.env, OUTPOST_NOW: NOW }, input, encoding: "utf8" });
}

function setUpHub() {
  execFileSync(toolBin, ["keygen", "--site", "HUB", "--dir", path.join(work, "keys")]);
  hub(["init"]);
  for (const site of ["S1", "S2"]) {
    execFileSync(toolBin, ["keygen", "--site", site, "--dir", path.join(work, "keys")]);
    hub(["allow", path.join(work, "keys", site + ".pub")]);
  }
  syncACustomer();
  hub(["users", "add", "li.na", "--role", "call_centre", "--display-name", XSS_NAME,
       "--password-stdin", "--staff", "IT"], "correct horse 1\n");
  hub(["users", "add", "guan", "--role", "viewer", "--password-stdin", "--staff", "IT"],
      "just looking 12\n");
  hub(["users", "add", "root", "--role", "admin", "--password-stdin", "--staff", "IT"],
      "admin secret 123\n");
}

// Store S1 takes a customer whose name carries markup and a booking for the
// pinned day, syncs once to a hub daemon started for it, then says hello once
// more with its clock 3 minutes ahead (the hub keeps the skew).
function syncACustomer() {
  const env = { ...process.env, OUTPOST_NOW: NOW, OUTPOST_STAFF: "SA Zhang" };
  const desk = (args) => execFileSync(edgeBin, ["--db", path.join(work, "S1.db"), ...args],
                                      { env, encoding: "utf8" });
  desk(["init", "--store-id", "S1", "--name", "Store 1"]);
  desk(["customer", "add", "--name", XSS_CUSTOMER, "--phone", "13800138000", "--plate",
        "京A12345", "--opt-in", "--channel", "sms"]);
  // Another person on the same phone: a possible duplicate for the data team.
  desk(["customer", "add", "--name", "张三", "--phone", "13800138000", "--shared-phone"]);
  desk(["book", "--phone", "13900002222", "--name", "刘德华", "--date", "2026-11-23", "--slot",
        "10:00"]);
  workForHeadOffice();
  const endpoint = "tcp://127.0.0.1:" + (20000 + (process.pid % 20000));
  const serve = spawn(hubBin, ["--db", hubDb, "--key",
                               path.join(work, "keys", "HUB.key"), "serve", "--bind", endpoint],
                      { env, stdio: "ignore" });
  const sync = (storeEnv) =>
    execFileSync(edgeBin, ["--db", path.join(work, "S1.db"), "sync", "--hub", endpoint,
                           "--hub-key", path.join(work, "keys", "HUB.pub"), "--key",
                           path.join(work, "keys", "S1.key"), "--once"],
                 { env: storeEnv, timeout: 60000 });
  try {
    sync(env);
    sync({ ...env, OUTPOST_NOW: STORE_AHEAD });  // nothing waiting: a hello with its clock
  } finally {
    serve.kill("SIGTERM");
  }
}

// S1's work that head office acts on: a no-show last Thursday, returned to
// head office's queue by the sweep; a booking for Wednesday the call centre
// moves or cancels; and a second record of the same man, for the data team.
function workForHeadOffice() {
  const at = (now, args) => execFileSync(edgeBin, ["--db", path.join(work, "S1.db"), ...args],
                                         { env: { ...process.env, OUTPOST_NOW: now,
                                                   OUTPOST_STAFF: "SA Zhang" },
                                           encoding: "utf8" });
  const missed = JSON.parse(at("2026-11-19T01:00:00Z", [
    "--json", "book", "--phone", "13700001234", "--name", "孙丽", "--date", "2026-11-19",
    "--slot", "10:00"]));
  at("2026-11-19T04:00:00Z", ["no-show", missed.ref]);
  at("2026-11-23T00:30:00Z", ["tasks", "sweep"]);
  at(NOW, ["book", "--customer", "京A12345", "--date", "2026-11-25", "--slot", "10:00"]);
  at(NOW, ["customer", "add", "--name", "王明", "--phone", "13900009999"]);
}

// `outpost-hub web` on any free port, pinned at `now`; resolves with its base URL.
function startConsole(now) {
  const proc = spawn(hubBin, ["--db", hubDb, "--key",
                              path.join(work, "keys", "HUB.key"), "web", "--bind", "127.0.0.1:0"],
                     { env: { ...process.env, OUTPOST_NOW: now } });
  return new Promise((resolve, reject) => {
    let out = "";
    proc.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) resolve({ proc, base: m[1] });
    });
    proc.stderr.on("data", (d) => process.stderr.write(d));
    proc.on("exit", (code) => reject(new Error("outpost-hub web exited " + code + ": " + out)));
  });
}

function stop(proc) {
  return new Promise((resolve) => {
    proc.removeAllListeners("exit");
    proc.on("exit", resolve);
    proc.kill("SIGTERM");
  });
}

// Another site on another port: a page whose form posts to the console on load.
function startEvilSite(target) {
  const server = http.createServer((req, res) => {
    res.setHeader("Content-Type", "text/html");
    res.end(`<form id="f" method="post" action="${target}/logout">` +
            `<input name="csrf" value="guess"></form>` +
            `<script>document.getElementById("f").submit()</script>`);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function signIn(page, base, name, password) {
  await page.goto(base + "/login");
  await page.fill("input[name=name]", name);
  await page.fill("input[name=password]", password);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
}

const results = [];
async function check(name, body) {
  try {
    await body();
    results.push([name, true]);
    console.log("ok   " + name);
  } catch (e) {
    results.push([name, false]);
    console.log("FAIL " + name + "\n     " + (e.stack || e).toString().split("\n").join("\n     "));
  }
}

async function main() {
  setUpHub();
  let web = await startConsole(NOW);
  // The browser's own clock is not under test (the hub's is pinned): it runs
  // without the suite's libfaketime, which a browser was never made to run under.
  const browserEnv = { ...process.env };
  delete browserEnv.LD_PRELOAD;
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    env: browserEnv,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  let agentCookie;

  await check("the hub is on the backend this run asked for", async () => {
    assert.equal(fs.existsSync(path.join(work, "hub.db")), !pgAdmin);
    if (pgAdmin) {
      const tables = execFileSync("psql", [hubDb, "-X", "-At", "-c",
                                           "SELECT count(*) FROM stores"], { encoding: "utf8" });
      assert.equal(tables.trim(), "2");  // S1 and S2, allowed above
    }
  });

  await check("a page asks for sign-in first, and a wrong password is told so", async () => {
    const res = await page.goto(web.base + "/stores");
    assert.equal(res.status(), 401);
    await page.fill("input[name=name]", "li.na");
    await page.fill("input[name=password]", "wrong horse 1");
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    assert.equal(await page.textContent("[data-test=error]"), "wrong name or password");
    assert.equal(await page.inputValue("input[name=name]"), "li.na");
  });

  await check("a browser holding its connection idle does not hold up another user's page", async () => {
    // Several idle connections, as browsers keep them between pages (each
    // far longer than the page may take: the server reads 5 s before giving up).
    const url = new URL(web.base);
    const idle = await Promise.all([0, 1, 2].map(() => new Promise((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname, () => resolve(socket));
      socket.on("error", reject);
    })));
    try {
      const other = await browser.newPage();
      const res = await other.goto(web.base + "/login", { timeout: 3000 });
      assert.equal(res.status(), 200);
      await other.close();
    } finally {
      idle.forEach((s) => s.destroy());
    }
  });

  await check("the call centre signs in and sees every store; markup in a name stays text", async () => {
    await signIn(page, web.base, "li.na", "correct horse 1");
    assert.equal(new URL(page.url()).pathname, "/stores");
    assert.equal(await page.locator("table[data-test=stores] tbody tr").count(), 2);
    assert.match(await page.textContent("tr[data-store=S1]"), /在线/);  // synced at NOW
    assert.match(await page.textContent("tr[data-store=S2]"), /离线（从未联系）/);
    assert.equal(await page.textContent("[data-test=who]"), XSS_NAME + " (call_centre)");
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.equal(await page.evaluate(() => document.body.dataset.js), "ready");  // own script ran
    const cookies = await context.cookies();
    agentCookie = cookies.find((c) => c.name === "outpost_session");
    assert.ok(agentCookie.httpOnly);
    assert.equal(agentCookie.sameSite, "Strict");
    assert.equal(await page.evaluate(() => document.cookie.includes("outpost_session")), false);
    await page.screenshot({ path: path.join(shots, "stores-zh.png"), fullPage: true });
  });

  await check("the stores table shows each store's clock skew and links to the store's page", async () => {
    await page.goto(web.base + "/stores");
    const s1 = page.locator("tr[data-store=S1] td[data-test=clock-skew]");
    assert.equal(await s1.textContent(), "快 3 分钟");
    assert.equal(await s1.getAttribute("class"), "skew-large");  // over ±2 min
    assert.equal(await page.textContent("tr[data-store=S2] td[data-test=clock-skew]"), "未知");
    await Promise.all([page.waitForNavigation(), page.click("tr[data-store=S1] a")]);
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, "/store?id=S1");
    const facts = await page.textContent("table[data-test=store-facts]");
    const keyId = JSON.parse(hub(["stores", "--json"]))[0].key_id;
    assert.ok(facts.includes("快 3 分钟") && facts.includes(keyId), facts);
    assert.equal(await page.inputValue("input[name=date]"), "2026-11-23");  // the store's today
    assert.match(await page.textContent("[data-test=as-of]"),
                 /^截至最后联系 2026-11-23T01:00:00\.000Z \(刚刚\)$/);
    const board = await page.textContent("table[data-test=board]");
    assert.ok(board.includes("刘德华"), board);  // the call centre sees names whole
    assert.match(await page.textContent("table[data-test=store-requests]"), /无/);
    await page.screenshot({ path: path.join(shots, "store.png"), fullPage: true });
    const unknown = await page.goto(web.base + "/store?id=S9");
    assert.equal(unknown.status(), 404);
    assert.equal(await page.textContent("[data-test=error]"),
                 "id: no store 'S9' on head office's allow-list");
  });

  await check("a viewer reads the store's day with names masked; a bad date is refused at its field", async () => {
    const viewer = await browser.newContext();
    const vp = await viewer.newPage();
    await signIn(vp, web.base, "guan", "just looking 12");
    await vp.goto(web.base + "/store?id=S1&date=2026-11-23");
    const board = await vp.textContent("table[data-test=board]");
    assert.ok(!board.includes("刘德华") && board.includes("刘**"), board);
    const bad = await vp.goto(web.base + "/store?id=S1&date=2026-02-30");
    assert.equal(bad.status(), 400);
    assert.equal(await vp.textContent("form.search [data-test=error-date]"),
                 "date: date '2026-02-30' does not exist");
    assert.equal(await vp.inputValue("input[name=date]"), "");  // an impossible day, not kept
    assert.equal(await vp.locator("nav a[href='/recovery']").count(), 1);  // every role
    await viewer.close();
  });

  await check("the recovery page shows the report since a day, 30 days back by default", async () => {
    const res = await page.goto(web.base + "/recovery");
    assert.equal(res.status(), 200);
    assert.equal(await page.inputValue("input[name=since]"), "2026-10-24");
    assert.match(await page.textContent("section[data-store=S1] h2"), /^S1: online$/);
    assert.match(await page.textContent("section[data-store=S2] h2"), /^S2: OFFLINE$/);
    assert.match(await page.textContent("section[data-store=S1]"), /applied seq \d+, 0 changes on their way/);
    // The call centre reads the verify section but may not run it.
    assert.match(await page.textContent("[data-test=verify]"), /尚未运行校验/);
    assert.equal(await page.locator("form[action='/recovery/verify']").count(), 0);
    await page.screenshot({ path: path.join(shots, "recovery.png"), fullPage: true });
    const token = await page.inputValue("form.logout input[name=csrf]");
    const typed = await context.request.post(web.base + "/recovery/verify", {
      headers: { Origin: web.base }, form: { csrf: token },
    });
    assert.equal(typed.status(), 403);
    assert.match(await typed.text(), /role call_centre may not run verify/);
    // The admin runs it: every archived batch opened with the hub's keys.
    const admin = await browser.newContext();
    const ap = await admin.newPage();
    await signIn(ap, web.base, "root", "admin secret 123");
    await ap.goto(web.base + "/recovery");
    await Promise.all([ap.waitForNavigation(), ap.click("form[action='/recovery/verify'] button")]);
    assert.match(await ap.textContent("[data-test=verify] p"),
                 /^consistent \(\d+ changes, \d+ batches, \d+ opened, \d+ entities\) at 2026-11-23T01:00:00.000Z by root/);
    await ap.screenshot({ path: path.join(shots, "recovery-verified.png"), fullPage: true });
    await admin.close();
    const bad = await page.goto(web.base + "/recovery?since=yesterday");
    assert.equal(bad.status(), 400);
    assert.match(await page.textContent("[data-test=error-since]"), /^since: /);
  });

  await check("the admin adds, changes, disables accounts in the browser; markup stays text", async () => {
    const admin = await browser.newContext();
    const ap = await admin.newPage();
    await signIn(ap, web.base, "root", "admin secret 123");
    await ap.goto(web.base + "/users");
    const add = ap.locator("form[data-action=add]");
    await add.locator("input[name=name]").fill("wu.fei");
    await add.locator("input[name=display_name]").fill(XSS_STAFF);
    await add.locator("select[name=role]").selectOption("call_centre");
    await add.locator("input[name=password]").fill("long enough 42");
    await add.locator("input[name=password2]").fill("long enough 43");
    const differ = await Promise.all([ap.waitForNavigation(), add.locator("button").click()]);
    assert.equal(differ[0].status(), 400);
    assert.match(await ap.textContent("form[data-action=add] [data-test=error-password2]"),
                 /^password2: the two passwords differ/);
    assert.equal(await add.locator("input[name=name]").inputValue(), "wu.fei");  // kept
    assert.equal(await add.locator("input[name=password]").inputValue(), "");  // never sent back
    await add.locator("input[name=password]").fill("short");
    await add.locator("input[name=password2]").fill("short");
    await add.evaluate((f) => f.querySelectorAll("[minlength]").forEach((i) => i.removeAttribute("minlength")));
    await Promise.all([ap.waitForNavigation(), add.locator("button").click()]);
    assert.match(await ap.textContent("form[data-action=add] [data-test=error-password]"),
                 /^password: must be 10/);
    await add.locator("input[name=password]").fill("long enough 42");
    await add.locator("input[name=password2]").fill("long enough 42");
    await Promise.all([ap.waitForNavigation(), add.locator("button").click()]);
    assert.equal(await ap.textContent("[data-test=done]"),
                 "账号已添加/account added: wu.fei (call_centre)");
    const row = ap.locator("tr[data-user='wu.fei']");
    assert.ok((await row.textContent()).includes(XSS_STAFF));  // markup shown as text
    assert.equal(await ap.evaluate(() => window.__xss), undefined);
    // The new account signs in.
    const other = await browser.newContext();
    const op = await other.newPage();
    await signIn(op, web.base, "wu.fei", "long enough 42");
    assert.equal(new URL(op.url()).pathname, "/stores");
    assert.equal(await op.textContent("[data-test=who]"), XSS_STAFF + " (call_centre)");
    assert.equal(await op.evaluate(() => window.__xss), undefined);
    // A new role, then disabled with a reason: it cannot sign in any more.
    await row.locator("form[data-action=role] select").selectOption("data_team");
    await Promise.all([ap.waitForNavigation(), row.locator("form[data-action=role] button").click()]);
    assert.match(await ap.textContent("[data-test=done]"), /wu\.fei is data_team/);
    assert.match(await row.locator("td").nth(2).textContent(), /^data_team$/);
    await row.locator("form[data-action=disable] input[name=reason]").fill("left the company");
    await Promise.all([ap.waitForNavigation(), row.locator("form[data-action=disable] button").click()]);
    assert.match(await ap.textContent("[data-test=done]"), /account disabled: wu\.fei/);
    assert.match(await row.textContent(), /已停用 .*\(left the company\)/);
    await ap.screenshot({ path: path.join(shots, "users-manage.png"), fullPage: true });
    const refused = await other.request.post(web.base + "/login",
                                             { form: { name: "wu.fei", password: "long enough 42" } });
    assert.equal(refused.status(), 401);
    assert.match(await refused.text(), /wrong name or password/);
    await other.close();
    await admin.close();
  });

  await check("the call centre posting to the accounts forms is refused by role", async () => {
    await page.goto(web.base + "/stores");
    const token = await page.inputValue("form.logout input[name=csrf]");
    const posted = await context.request.post(web.base + "/users", {
      headers: { Origin: web.base },
      form: { csrf: token, action: "add", name: "mallory", role: "admin",
              password: "i am admin now", password2: "i am admin now" },
    });
    assert.equal(posted.status(), 403);
    assert.match(await posted.text(), /role call_centre may not manage accounts/);
  });

  await check("English is one click away and stays", async () => {
    await Promise.all([page.waitForNavigation(), page.click("a.lang")]);
    assert.equal(await page.textContent("h1"), "Stores");
    assert.match(await page.textContent("tr[data-store=S2]"), /offline \(never heard from\)/);
    await page.reload();
    assert.equal(await page.getAttribute("html", "lang"), "en");
    await page.screenshot({ path: path.join(shots, "stores-en.png"), fullPage: true });
    await Promise.all([page.waitForNavigation(), page.click("a.lang")]);
    assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
  });

  await check("the call centre finds a customer by phone and sees the whole view", async () => {
    await page.goto(web.base + "/customers");
    await page.fill("input[name=q]", "138 0013 8000");
    await Promise.all([page.waitForNavigation(), page.click("form.search button")]);
    // Two people share the phone (one of them 张三): both are found.
    assert.equal(await page.locator("table[data-test=results] tbody tr").count(), 2);
    const wang = page.locator("table[data-test=results] tbody tr", { hasText: "明 @S1" });
    await Promise.all([page.waitForNavigation(), wang.locator("a").click()]);
    const records = await page.textContent("table[data-test=records]");
    assert.ok(records.includes(XSS_CUSTOMER), records);  // markup shown as text
    assert.ok(records.includes("+8613800138000"), records);
    assert.match(await page.textContent("table[data-test=vehicles]"), /京A12345/);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    await page.screenshot({ path: path.join(shots, "customer.png"), fullPage: true });
    const long = await page.goto(web.base + "/customers?q=" + "1".repeat(65));
    assert.equal(long.status(), 400);
    assert.equal(await page.textContent("[data-test=error]"),
                 "q: longer than 64 characters: type less");
  });

  await check("the call centre books into a store; a bad date is refused next to its field", async () => {
    await page.goto(web.base + "/book?store=S1");
    await page.fill("input[name=phone]", "139 0000 1111");
    await page.fill("input[name=name]", "赵<b>六</b>");
    await page.fill("input[name=date]", "2026-13-01");
    await page.fill("input[name=slot]", "10:00");
    const refused = await Promise.all([page.waitForNavigation(), page.click("form.book button")]);
    assert.equal(refused[0].status(), 400);
    assert.match(await page.textContent("[data-test=error-date]"), /^date: /);
    assert.equal(await page.inputValue("input[name=name]"), "赵<b>六</b>");  // kept, as text
    await page.fill("input[name=date]", "2026-11-24");
    await Promise.all([page.waitForNavigation(), page.click("form.book button")]);
    assert.match(await page.textContent("[data-test=done]"),
                 /^request 1 queued for S1: 2026-11-24 10:00 \(bookable by the store's rules/);
    const rows = page.locator("table[data-test=requests] tbody tr");
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().textContent(), /li\.na/);  // who booked it
    await page.screenshot({ path: path.join(shots, "book.png"), fullPage: true });
  });

  await check("managers read the month's figures, the full report with charts and the CSV", async () => {
    await page.goto(web.base + "/stats");
    assert.equal(await page.inputValue("input[name=month]"), "2026-11");  // head office's month
    const heads = await page.locator("table[data-test=figures] thead th").allTextContents();
    assert.deepEqual(heads.slice(0, 2), ["指标", "全连锁"]);
    assert.ok(heads.some((h) => h.startsWith("S2 · 从未联系")), heads.join("|"));
    assert.match(await page.textContent("tr[data-figure=arrival]"), /—/);  // 0 of 0: no percentage
    await page.screenshot({ path: path.join(shots, "stats.png"), fullPage: true });
    const full = await context.request.get(web.base + "/stats/report?month=2026-11");
    assert.equal(full.status(), 200);
    assert.match(full.headers()["content-security-policy"], /^default-src 'none'; style-src 'unsafe-inline'/);
    const body = await full.text();
    assert.ok(body.includes("<svg") && !body.includes("<script"), body.slice(0, 200));
    const csv = await context.request.get(web.base + "/stats.csv?month=2026-11&store=S1");
    assert.match(csv.headers()["content-type"], /^text\/csv/);
    assert.match(await csv.text(), /^store,complete_to,figure,numerator,denominator,percent\nS1,/);
    const bad = await page.goto(web.base + "/stats?month=2026-13");
    assert.equal(bad.status(), 400);
    assert.equal(await page.textContent("[data-test=error]"),
                 "month: '2026-13' is not a month YYYY-MM");
  });

  await check("the queue and the cases pages list what waits for head office", async () => {
    const queue = await page.goto(web.base + "/queue");
    assert.equal(queue.status(), 200);
    // S1's no-show, returned after its 3 days, with the call form for the call centre.
    const tasks = await page.textContent("table[data-test=queue-tasks] tbody");
    assert.ok(tasks.includes("爽约回访") && tasks.includes("孙丽 ***1234"), tasks);
    assert.equal(await page.locator("form[data-form^='call:']").count(), 1);
    const cases = await page.goto(web.base + "/cases");
    assert.equal(cases.status(), 200);
    const dup = await page.textContent("table[data-test=duplicates] tbody");
    assert.match(dup, /^D-[0-9a-f]{10}/);
    assert.ok(dup.includes("phone +8613800138000"), dup);
    await page.screenshot({ path: path.join(shots, "cases.png"), fullPage: true });
    // The call centre may not decide duplicates: no form, and a typed post is refused.
    assert.equal(await page.locator("form[data-form^='decide:']").count(), 0);
    const token = await page.inputValue("form.logout input[name=csrf]");
    const ref = dup.slice(0, 12);
    const posted = await context.request.post(web.base + "/duplicates", {
      headers: { Origin: web.base },
      form: { csrf: token, ref, decision: "merge", note: "same person" },
    });
    assert.equal(posted.status(), 403);
    assert.match(await posted.text(), /role call_centre may not merge or separate customers/);
  });

  await check("a cross-site form post without the token is refused and signs nobody out", async () => {
    const evil = await startEvilSite(web.base);
    const other = await context.newPage();
    const refused = other.waitForResponse((r) => r.url() === web.base + "/logout");
    await other.goto("http://127.0.0.1:" + evil.address().port + "/");
    assert.equal((await refused).status(), 403);
    await other.close();
    evil.close();
    const res = await page.goto(web.base + "/stores");
    assert.equal(res.status(), 200);  // still signed in
  });

  await check("a write with a wrong token, even from this site, is refused with the reason", async () => {
    const r = await context.request.post(web.base + "/logout",
                                         { form: { csrf: "x" }, headers: { Origin: web.base } });
    assert.equal(r.status(), 403);
    assert.match(await r.text(), /security token is missing or wrong/);
    // The page's own script cannot even try: the policy allows it no connection.
    const blocked = await page.evaluate(() => fetch("/stores").then(() => "sent", () => "blocked"));
    assert.equal(blocked, "blocked");
  });

  await check("a viewer is refused what its role may not do, on the server", async () => {
    const viewer = await browser.newContext();
    const vp = await viewer.newPage();
    await signIn(vp, web.base, "guan", "just looking 12");
    assert.equal(await vp.locator("nav a[href='/users']").count(), 0);
    await vp.goto(web.base + "/cases");
    const dupMasked = await vp.textContent("table[data-test=duplicates] tbody");
    assert.ok(!dupMasked.includes("13800138000"), dupMasked);
    await vp.goto(web.base + "/customers?q=" + encodeURIComponent("京A12345"));
    await Promise.all([vp.waitForNavigation(), vp.click("table[data-test=results] a")]);
    const masked = await vp.textContent("table[data-test=records]");
    assert.ok(!masked.includes("13800138000") && masked.includes("王**"), masked);
    // A write typed by hand with the viewer's own valid token: refused by role.
    const token = await vp.inputValue("form.logout input[name=csrf]");
    const booked = await viewer.request.post(web.base + "/book", {
      headers: { Origin: web.base },
      form: { csrf: token, store: "S1", phone: "13900001112", date: "2026-11-24", slot: "10:00" },
    });
    assert.equal(booked.status(), 403);
    assert.match(await booked.text(), /role viewer may not book, cancel or move/);
    const res = await vp.goto(web.base + "/users");  // typed by hand
    assert.equal(res.status(), 403);
    assert.equal(await vp.textContent("[data-test=error]"), "role viewer may not manage accounts");
    await viewer.close();
    const admin = await browser.newContext();
    const ap = await admin.newPage();
    await signIn(ap, web.base, "root", "admin secret 123");
    await Promise.all([ap.waitForNavigation(), ap.click("nav a[href='/users']")]);
    assert.equal(await ap.locator("table[data-test=users] tbody tr").count(), 4);  // + wu.fei
    // The admin keeps the two people sharing a phone apart, with a reason.
    await ap.goto(web.base + "/cases");
    const adminToken = await ap.inputValue("form.logout input[name=csrf]");
    const ref = (await ap.textContent("table[data-test=duplicates] tbody td")).trim();
    const noNote = await admin.request.post(web.base + "/duplicates", {
      headers: { Origin: web.base }, form: { csrf: adminToken, ref, decision: "apart", note: "" },
    });
    assert.equal(noNote.status(), 400);
    assert.match(await noNote.text(), /note: say why they are two people/);
    const decide = ap.locator("form[data-form='decide:" + ref + "']");
    await ap.click("table[data-test=duplicates] details.act summary");
    await decide.locator("input[name=note]").fill("王 and 张 are a couple sharing a phone");
    await Promise.all([ap.waitForNavigation(), decide.locator("button[value=apart]").click()]);
    assert.equal(await ap.textContent("[data-test=done]"), ref + ": kept apart as two people");
    assert.match(await ap.textContent("table[data-test=duplicates] tbody"), /无/);
    await ap.goto(web.base + "/users");
    assert.equal(await ap.evaluate(() => window.__xss), undefined);
    await ap.screenshot({ path: path.join(shots, "users.png"), fullPage: true });
    await admin.close();
  });

  await check("the call centre records a call on a returned no-show; a bad mileage is refused in its form", async () => {
    await page.goto(web.base + "/queue");
    const row = page.locator("table[data-test=queue-tasks] tbody tr", { hasText: "爽约回访" });
    assert.equal(await row.count(), 1);
    await row.locator("details.act summary").click();
    await row.locator("select[name=result]").selectOption("reached");
    await row.locator("select[name=outcome]").selectOption("forgot");
    await row.locator("input[name=next_service_km]").fill("99999999999");
    const refused = await Promise.all([page.waitForNavigation(),
                                       row.locator("form.act button[type=submit]").click()]);
    assert.equal(refused[0].status(), 400);
    const again = page.locator("table[data-test=queue-tasks] tbody tr", { hasText: "爽约回访" });
    // The refusal is inside that task's form, opened, naming the field.
    assert.equal(await again.locator("details.act[open] [data-test=error]").getAttribute("data-field"),
                 "next_service");
    await again.locator("select[name=result]").selectOption("reached");
    await again.locator("select[name=outcome]").selectOption("forgot");
    await again.locator("input[name=note]").fill("will book next week");
    await Promise.all([page.waitForNavigation(), again.locator("form.act button[type=submit]").click()]);
    assert.match(await page.textContent("[data-test=done]"),
                 /^call recorded on task \S+: request \d+ queued for S1$/);
    // Waiting to reach the store: shown, so a second agent does not call again.
    assert.match(await page.textContent("table[data-test=queue-tasks] tbody"), /总部待送达 1/);
    await page.screenshot({ path: path.join(shots, "queue.png"), fullPage: true });
  });

  await check("the call centre moves or cancels a booking from the customer page", async () => {
    await page.goto(web.base + "/customers?q=" + encodeURIComponent("京A12345"));
    await Promise.all([page.waitForNavigation(), page.click("table[data-test=results] a")]);
    const booking = page.locator("table[data-test=bookings] tbody tr", { hasText: "2026-11-25" });
    await booking.locator("details.act summary").click();
    await booking.locator("input[name=date]").fill("2026-11-26");
    await booking.locator("input[name=slot]").fill("25:00");
    await booking.locator("input[name=reason]").fill("customer asked");
    const refused = await Promise.all([page.waitForNavigation(),
                                       booking.locator("button[value=reschedule]").click()]);
    assert.equal(refused[0].status(), 400);
    const again = page.locator("table[data-test=bookings] tbody tr", { hasText: "2026-11-25" });
    assert.equal(await again.locator("details.act[open] [data-test=error]").getAttribute("data-field"),
                 "slot");
    await again.locator("input[name=reason]").fill("customer is travelling");
    await Promise.all([page.waitForNavigation(), again.locator("button[value=cancel]").click()]);
    assert.match(await page.textContent("[data-test=done]"),
                 /^request \d+ queued for S1: cancel booking \S+ \(the store applies it/);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
  });

  await check("the data team merges two records of one man and takes one out again", async () => {
    const team = await browser.newContext();
    const tp = await team.newPage();
    await signIn(tp, web.base, "root", "admin secret 123");
    await tp.goto(web.base + "/customers?q=13900009999");
    await Promise.all([tp.waitForNavigation(), tp.click("table[data-test=results] a")]);
    const other = new URL(tp.url()).searchParams.get("id");
    await tp.goto(web.base + "/customers?q=" + encodeURIComponent("京A12345"));
    await Promise.all([tp.waitForNavigation(), tp.click("table[data-test=results] a")]);
    const merge = tp.locator("details.act", { hasText: "与另一客户合并" });
    await merge.locator("summary").click();
    await merge.locator("input[name=other]").fill(other);
    // The browser's own check asks for the note first; the server's is tried directly.
    const token = await tp.inputValue("form.logout input[name=csrf]");
    const noNote = await team.request.post(web.base + "/customer/merge", {
      headers: { Origin: web.base },
      form: { csrf: token, customer: new URL(tp.url()).searchParams.get("id"), other, note: "" },
    });
    assert.equal(noNote.status(), 400);
    assert.match(await noNote.text(), /note: say why/);
    await merge.locator("input[name=note]").fill("same man: new phone, told us at the desk");
    await Promise.all([tp.waitForNavigation(), merge.locator("button[type=submit]").click()]);
    assert.match(await tp.textContent("[data-test=done]"), /merged into one customer$/);
    assert.equal(await tp.locator("table[data-test=records] tbody tr").count(), 2);
    await tp.screenshot({ path: path.join(shots, "customer-merged.png"), fullPage: true });
    const wang = tp.locator("table[data-test=records] tbody tr", { hasText: "王明" });
    await wang.locator("details.act summary").click();
    await wang.locator("input[name=note]").fill("merged by mistake");
    await Promise.all([tp.waitForNavigation(), wang.locator("button[type=submit]").click()]);
    assert.match(await tp.textContent("[data-test=done]"), /^record \S+ taken out of /);
    assert.equal(await tp.locator("table[data-test=records] tbody tr").count(), 1);
    // Closing a store's case goes through the same operation: an unknown ref is named.
    const closed = await team.request.post(web.base + "/cases/close", {
      headers: { Origin: web.base },
      form: { csrf: token, store: "S1", ref: "C-404", note: "called the customer" },
    });
    assert.equal(closed.status(), 404);
    assert.match(await closed.text(), /case: no case &#39;C-404&#39; known at head office/);
    await team.close();
  });

  await check("every page fits a 1366x768 screen and a tablet without sideways scrolling", async () => {
    const tablet = await browser.newContext({ viewport: { width: 768, height: 1024 },
                                              hasTouch: true, isMobile: true });
    const tab = await tablet.newPage();
    await signIn(tab, web.base, "li.na", "correct horse 1");
    const pages = ["/stores", "/customers?q=13800138000", "/queue", "/book?store=S1", "/cases",
                   "/stats"];
    for (const [p, size] of [[page, "1366x768"], [tab, "tablet"]]) {
      for (const url of pages) {
        await p.goto(web.base + url);
        const [scroll, width] = await p.evaluate(
            () => [document.documentElement.scrollWidth, window.innerWidth]);
        assert.ok(scroll <= width, `${url} at ${size}: ${scroll} px wide in ${width}`);
      }
    }
    await tab.goto(web.base + "/queue");
    await tab.click("table[data-test=queue-tasks] details.act summary");  // the call form, open
    const [scroll, width] = await tab.evaluate(
        () => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(scroll <= width, `the open call form on a tablet: ${scroll} px wide in ${width}`);
    await tab.screenshot({ path: path.join(shots, "queue-tablet.png"), fullPage: true });
    await tablet.close();
  });

  await check("after sign-out the old session cookie opens nothing", async () => {
    await page.goto(web.base + "/stores");
    await Promise.all([page.waitForNavigation(), page.click("form.logout button")]);
    assert.equal(new URL(page.url()).pathname, "/login");
    await context.addCookies([agentCookie]);
    const res = await page.goto(web.base + "/stores");
    assert.equal(res.status(), 401);
    assert.equal(await page.textContent("[data-test=error]"),
                 "the session has ended (signed out): sign in again");
  });

  await check("twenty wrong passwords pause the name, even for the right one", async () => {
    const statuses = [];
    for (let i = 0; i < 20; i++) {
      const r = await context.request.post(web.base + "/login",
                                           { form: { name: "guan", password: "guess number " + i } });
      statuses.push(r.status());
    }
    assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
    assert.ok(statuses.slice(5).every((s) => s === 429), statuses.join(","));
    const right = await context.request.post(web.base + "/login",
                                             { form: { name: "guan", password: "just looking 12" } });
    assert.equal(right.status(), 429);
    assert.match(await right.text(), /too many failed sign-ins for &#39;guan&#39;: try again after/);
  });

  await check("a session from 9 hours ago has expired", async () => {
    await signIn(page, web.base, "root", "admin secret 123");
    const rootCookie = (await context.cookies()).find((c) => c.name === "outpost_session");
    await stop(web.proc);
    web = await startConsole(LATER);
    await context.addCookies([rootCookie]);
    const res = await page.goto(web.base + "/stores");
    assert.equal(res.status(), 401);
    assert.equal(await page.textContent("[data-test=error]"), "the session expired: sign in again");
    await page.screenshot({ path: path.join(shots, "signin-expired.png"), fullPage: true });
  });

  await browser.close();
  await stop(web.proc);
  const failed = results.filter(([, ok]) => !ok).length;
  console.log(`web console: ${results.length - failed} passed, ${failed} failed`);
  console.log("screenshots: " + shots);
  fs.rmSync(work, { recursive: true, force: true });
  if (pgAdmin) {
    execFileSync("psql", [pgAdmin, "-X", "-q", "-c",
                          `DROP DATABASE IF EXISTS web_console_${process.pid}`]);
  }
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
