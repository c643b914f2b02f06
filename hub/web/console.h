// WebConsole: head office's web console (issue 18; docs/WEB.md) on an HTTP
// server the caller owns. Every page reads through the hub's query layer
// (hub/queries/) and every write goes through the same operation as the
// command line (hub/accounts.h, hub/hub.h): a handler parses the request,
// checks the session, the role and (for a write) the CSRF token and the
// Origin, calls one operation or query, and renders (hub/web/html.h).
//
// Security on every response: a Content-Security-Policy that allows only the
// console's own script and style sheet (no inline script), no framing, no
// sniffing, no referrer; pages are not cached. The session cookie is
// HttpOnly and SameSite=Strict, Secure when served over TLS or behind an
// HTTPS proxy (WebOptions::secure_cookies).
//
// Thread-compatible: the Hub is used on the server's one worker thread (the
// caller gives the server a pool of one, WebConsole::Mount says so).
#pragma once

#include <string>

#include "hub/accounts.h"
#include "hub/storage/hub_storage.h"

namespace httplib {
class Server;
}

namespace outpost::hub {
class Hub;
}

namespace outpost::hub::web {

struct WebOptions {
  bool secure_cookies = false;  // TLS here, or an HTTPS reverse proxy in front
  // Where the month-end statistics pages read (outpost-hub web --reports-db:
  // a standby, which says how stale it is); null: the hub's own database.
  // Not owned; outlives the console; used by the handlers' one thread.
  storage::HubStorage* reports = nullptr;
};

class WebConsole {
 public:
  WebConsole(Hub& hub, WebOptions options);
  // Registers every route and the security headers on `server`; reads
  // several connections at once and
  // runs their handlers one at a time (the Hub is used by one thread at a time).
  void Mount(httplib::Server& server);

 private:
  class Routes;
  Hub& hub_;
  WebOptions options_;
  StaffAccounts accounts_;
};

}  // namespace outpost::hub::web
