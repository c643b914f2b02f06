#include "hub/web/assets.h"

namespace outpost::hub::web {

const char kConsoleCss[] = R"css(
:root { --ink: #1d2733; --muted: #5b6875; --line: #d6dde4; --accent: #0b62a4; --bad: #b3261e;
        --ok: #1e7b34; --warn: #a15c00; font-family: "Noto Sans CJK SC", "PingFang SC",
        "Microsoft YaHei", "WenQuanYi Micro Hei", system-ui, sans-serif; color: var(--ink); }
body { margin: 0; background: #f6f8fa; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; padding: .5rem 1rem;
         background: #fff; border-bottom: 1px solid var(--line); }
header nav { display: flex; flex-wrap: wrap; gap: .75rem; flex: 1; }
header nav a { color: var(--accent); text-decoration: none; padding: .25rem 0; }
header nav a[aria-current=page] { font-weight: bold; border-bottom: 2px solid var(--accent); }
.brand { font-weight: bold; }
.who { color: var(--muted); }
form.logout { margin: 0; }
main { padding: 1rem; max-width: 1340px; }
h1 { font-size: 1.3rem; margin: .25rem 0 1rem; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line);
         vertical-align: top; }
th { background: #eef2f6; font-weight: 600; white-space: nowrap; }
.state-online { color: var(--ok); font-weight: 600; }
.state-offline { color: var(--warn); font-weight: 600; }
.state-denied { color: var(--bad); font-weight: 600; }
.error { color: var(--bad); font-weight: 600; }
.muted { color: var(--muted); }
body.signin main { max-width: 22rem; margin: 10vh auto; background: #fff; padding: 1.5rem;
                   border: 1px solid var(--line); border-radius: 6px; }
body.signin label { display: block; margin: .75rem 0; }
body.signin input { display: block; width: 100%; box-sizing: border-box; padding: .5rem;
                    font-size: 1rem; margin-top: .25rem; }
form.book, form.search { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr));
                         gap: .5rem 1rem; align-items: end; background: #fff; padding: 1rem;
                         border: 1px solid var(--line); border-radius: 6px; margin-bottom: 1rem; }
form.book label, form.search label { display: flex; flex-direction: column; gap: .2rem; }
form.book input, form.book select, form.search input { padding: .4rem; font-size: 1rem; }
form.book .error, form.search .error { grid-column: 1 / -1; margin: 0; }
.done { color: var(--ok); font-weight: 600; }
.skew-large { color: var(--bad); font-weight: 600; background: #fdecea; }
.slot-full { color: var(--warn); font-weight: 600; }
table.facts { width: auto; margin-bottom: 1rem; }
table.facts th { text-align: right; }
section.recovery { background: #fff; border: 1px solid var(--line); border-radius: 6px;
                   padding: .25rem 1rem; margin-bottom: .75rem; }
section.recovery li.nested { margin-left: 1.5rem; }
form.inline { display: flex; flex-wrap: wrap; gap: .25rem .5rem; align-items: center;
              margin: 0 0 .35rem; }
form.inline label { display: flex; gap: .25rem; align-items: center; }
form.inline .error { flex-basis: 100%; margin: 0; }
form.book select { padding: .4rem; font-size: 1rem; }
h2 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
button { padding: .45rem 1rem; font-size: 1rem; cursor: pointer; }
details.act summary { cursor: pointer; color: var(--accent); white-space: nowrap; }
form.act { display: flex; flex-wrap: wrap; gap: .4rem .75rem; align-items: end; margin-top: .4rem; }
form.act label { display: flex; flex-direction: column; gap: .15rem; font-size: .9rem; }
form.act input, form.act select { padding: .3rem; font-size: .95rem; }
form.act fieldset { display: flex; flex-wrap: wrap; gap: .25rem .6rem; border: 1px solid var(--line); }
form.act fieldset label { flex-direction: row; align-items: center; gap: .25rem; }
form.act .error { flex-basis: 100%; margin: 0; }
@media (max-width: 800px) { table { font-size: .9rem; } th, td { padding: .3rem; } }
)css";

const char kConsoleJs[] = R"js(
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.body.setAttribute("data-js", "ready");
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
});
)js";

}  // namespace outpost::hub::web
