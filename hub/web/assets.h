// The console's own style sheet and script, served by the process itself
// (/static/console.css, /static/console.js) so it works with no internet and
// under a Content-Security-Policy that allows no inline script or style.
#pragma once

namespace outpost::hub::web {

extern const char kConsoleCss[];
// Marks the page ready (body[data-js=ready]) and asks before any form with
// data-confirm is sent. Nothing else: every decision is the server's.
extern const char kConsoleJs[];

}  // namespace outpost::hub::web
