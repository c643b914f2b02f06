#include "edge/notify.h"

namespace outpost::edge {

Result<NotifyPass> Notifier::RunOnce() {
  NotifyPass pass;
  // Freed places go to the waitlist first, so their offers go out this pass.
  ASSIGN_OR_RETURN(WaitlistRun offers, store_.OfferFreedPlaces({.staff = "notify"}));
  for (const WaitlistAction& action : offers.actions) {
    if (action.kind != "offered") continue;
    ASSIGN_OR_RETURN(auto planned, store_.PlanWaitlistOfferMessage(action.entry));
    pass.waitlist_offers += planned ? 1 : 0;
  }
  ASSIGN_OR_RETURN(pass.plan, store_.PlanOutreach());
  ASSIGN_OR_RETURN(auto due, store_.MessagesDue());
  for (const model::Message& m : due) {
    if (m.channel == "call") continue;  // a task for staff: `outpost-edge calls`
    ASSIGN_OR_RETURN(auto ticket, store_.BeginSend(m.id));
    if (!ticket) {
      ++pass.held;
      continue;
    }
    delivery::OutboundMessage out;
    out.message_id = ticket->message.id;
    out.idempotency_key = ticket->message.idempotency_key;
    out.store_id = ticket->message.store_id;
    out.channel = ticket->message.channel;
    out.to = ticket->to;
    out.text = ticket->message.text;
    const delivery::DeliveryResult result = client_.Send(out);
    const int64_t now_ms = store_.clock().NowMs();
    const delivery::NextStep next = delivery::NextAfter(
        retry_, out.idempotency_key, static_cast<int>(ticket->message.attempts), result, now_ms);
    SendResult recorded;
    recorded.receipt_id = result.receipt_id;
    recorded.detail = result.detail;
    switch (next.kind) {
      case delivery::NextKind::kDone:
        recorded.kind = SendResult::Kind::kAccepted;
        ++pass.sent;
        break;
      case delivery::NextKind::kRetryAt:
        recorded.kind = SendResult::Kind::kRetry;
        recorded.next_attempt_ms = next.at_ms;
        ++pass.retrying;
        break;
      case delivery::NextKind::kDeadLetter:
        recorded.kind = SendResult::Kind::kPermanent;
        recorded.detail = next.reason;
        ++pass.dead;
        break;
    }
    RETURN_IF_ERROR(store_.FinishSend(m.id, recorded));
  }
  return pass;
}

void DefineNotifyMetrics(Metrics& metrics) {
  metrics.DefineCounter("outpost_notify_messages_sent_total",
                        "messages the relay accepted (a duplicate of an earlier attempt included)");
  metrics.DefineCounter("outpost_notify_messages_failed_total",
                        "attempts that failed and will be tried again");
  metrics.DefineCounter("outpost_notify_messages_dead_lettered_total",
                        "messages given up after their last attempt (dead-letter, with reason)");
}

void CountNotifyPass(const NotifyPass& pass, Metrics& metrics) {
  metrics.Add("outpost_notify_messages_sent_total", pass.sent);
  metrics.Add("outpost_notify_messages_failed_total", pass.retrying);
  metrics.Add("outpost_notify_messages_dead_lettered_total", pass.dead);
}

}  // namespace outpost::edge
