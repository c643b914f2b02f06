#include "sync/outreach/invitation.h"

#include <algorithm>

#include "sync/clock.h"

namespace outpost::outreach {
namespace {

// The service as the customer reads it: a rule's kind in words, else as given.
std::string ServiceWords(const std::string& service) {
  if (service.empty() || service == "maintenance") return "保养";
  if (service == "beauty_care") return "护理";
  return service;
}

}  // namespace

std::string InvitationKey(const std::string& store_id, const std::string& customer_id,
                          const std::string& vehicle_id, const LocalDate& due) {
  return store_id + "/invitation/" + customer_id + "/" + (vehicle_id.empty() ? "-" : vehicle_id) +
         "/" + due.ToString();
}

model::Message InvitationMessage(const std::string& store_id, const std::string& store_name,
                                 const TimeZone& zone, const ContactPolicy& policy,
                                 const InvitationSpec& spec, int64_t now_ms) {
  model::Message m;
  m.idempotency_key = InvitationKey(store_id, spec.customer_id, spec.vehicle_id, spec.due);
  m.id = model::MessageIdFor(m.idempotency_key);
  m.store_id = store_id;
  m.customer_id = spec.customer_id;
  m.step = "invitation";
  m.purpose = "marketing";
  m.channel = ContactChannelName(spec.channel);
  m.due_at = FormatUtcMs(std::max(now_ms, zone.LocalToUtcMs(spec.invite_on, LocalTime{9, 0})));
  // Still worth saying until a fortnight after the service fell due.
  m.not_after = FormatUtcMs(zone.LocalToUtcMs(spec.due.AddDays(15), LocalTime{0, 0}));
  const std::string what = ServiceWords(spec.service);
  const std::string body = "【" + store_name + "】" + spec.customer_name + "您好，您的" +
                           (spec.plate.empty() ? std::string("爱车") : spec.plate) + what + "将于" +
                           spec.due.ToString() + "到期，欢迎预约。";
  m.text =
      spec.channel == ContactChannel::kCall
          ? "邀约 invitation: " + what + " due " + spec.due.ToString() + " (" + spec.reason + ")"
          : WithOptOut(policy, body);
  m.planned_at = FormatUtcMs(now_ms);
  return m;
}

}  // namespace outpost::outreach
