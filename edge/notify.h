// The store's notify process (`outpost-edge notify`, beside `sync`): offers
// freed places to the waitlist, plans the steps before each visit and hands
// due messages to the SMS/WeChat relay.
//
// Exactly once, across kills: each attempt is logged as "sending" and
// committed (Store::BeginSend) before the relay is asked, and the relay
// delivers an idempotency key once (docs/OUTREACH.md). A process killed
// between the two finds the message still "sending" at its next pass and asks
// again with the same key; the relay answers with the first receipt. A message
// is cleared with the contact policy just before each attempt, so a cancel, a
// move or an opt-out that arrived after planning stops it. Works with no hub:
// everything it needs is in the store's database. Thread-compatible.
#pragma once

#include <cstdint>

#include "edge/store.h"
#include "edge/waitlist.h"
#include "sync/delivery/retry.h"
#include "sync/delivery/webhook.h"
#include "sync/metrics.h"

namespace outpost::edge {

// What one pass did, for the log line and for tests.
struct NotifyPass {
  PlanReport plan;
  int waitlist_offers = 0;  // freed places offered to waiting customers, each with its message
  int sent = 0;             // accepted by the relay (duplicates of an earlier attempt included)
  int retrying = 0;         // failed, to be tried again later
  int dead = 0;             // given up (dead-letter) with the reason
  int held = 0;             // delayed, dropped or cancelled by the check before sending
};

// The store notify process's metrics (docs/MONITORING.md), defined before its
// server starts, and one pass counted into them.
void DefineNotifyMetrics(Metrics& metrics);
void CountNotifyPass(const NotifyPass& pass, Metrics& metrics);

class Notifier {
 public:
  // `store` and `client` outlive the notifier.
  Notifier(Store& store, delivery::WebhookClient& client, delivery::RetryPolicy retry)
      : store_(store), client_(client), retry_(retry) {}

  // One pass: plan, then every due message cleared and sent once.
  Result<NotifyPass> RunOnce();

 private:
  Store& store_;
  delivery::WebhookClient& client_;
  delivery::RetryPolicy retry_;
};

}  // namespace outpost::edge
