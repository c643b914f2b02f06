#include "sync/outreach/policy.h"

#include <algorithm>

#include "sync/outreach/json_in.h"

namespace outpost::outreach {

using internal::JsonIn;
using nlohmann::json;

namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kDayMs = kMinuteMs * 24 * 60;
// How far a contact may be pushed before the policy gives up: longer than
// any holiday window (春节 with its neighbours is 11 days), shorter than
// anything a sender would still want to send.
constexpr int kHorizonDays = 60;
constexpr char kWhat[] = "contact policy";

const char* QuietScopeName(QuietScope scope) {
  switch (scope) {
    case QuietScope::kCalls:
      return "calls";
    case QuietScope::kMessages:
      return "messages";
    case QuietScope::kAll:
      return "all";
  }
  return "all";
}

bool Silences(QuietScope scope, ContactChannel channel) {
  if (scope == QuietScope::kAll) return true;
  return (scope == QuietScope::kCalls) == (channel == ContactChannel::kCall);
}

std::string LocalText(const TimeZone& zone, int64_t utc_ms) {
  const LocalDateTime local = zone.UtcToLocal(utc_ms);
  return local.date.ToString() + " " + local.time.ToString();
}

// A rule's verdict on an instant: allowed (nullopt), or not before `to`.
struct Move {
  int64_t to = 0;
  std::string reason;
};

// Marketing waits until a day that is neither a holiday nor next to one.
std::optional<Move> HolidayRule(const TimeZone& zone, const HolidayCalendar& holidays, int64_t t) {
  const LocalDate today = zone.UtcToLocal(t).date;
  const auto near = holidays.HolidayNear(today);
  if (!near) return std::nullopt;
  LocalDate day = today;
  for (int i = 0; i < 2 * kHorizonDays && holidays.NearHoliday(day); ++i) day = day.AddDays(1);
  return Move{zone.LocalToUtcMs(day, {0, 0}),
              "public holiday " + near->second + " (" + near->first.ToString() +
                  "): no marketing on a holiday or the day before or after"};
}

// Out of the first quiet window of the channel that holds `t`, to its end.
std::optional<Move> QuietRule(const ContactPolicy& policy, const TimeZone& zone,
                              ContactChannel channel, int64_t t) {
  const LocalDateTime local = zone.UtcToLocal(t);
  for (const QuietHours& quiet : policy.quiet_hours) {
    if (!Silences(quiet.applies_to, channel) || !quiet.window.Contains(local.time)) continue;
    // A wrapping window entered before midnight ends tomorrow.
    const bool ends_tomorrow = quiet.window.end < quiet.window.start &&
                               local.time.MinutesOfDay() >= quiet.window.start.MinutesOfDay();
    const LocalDate end_day = ends_tomorrow ? local.date.AddDays(1) : local.date;
    return Move{zone.LocalToUtcMs(end_day, quiet.window.end),
                "quiet hours " + quiet.window.ToString()};
  }
  return std::nullopt;
}

// A marketing call waits for the next preferred window to open.
std::optional<Move> PreferredRule(const ContactPolicy& policy, const TimeZone& zone, int64_t t) {
  const auto& windows = policy.preferred_call_windows;
  if (windows.empty()) return std::nullopt;
  const LocalDateTime local = zone.UtcToLocal(t);
  std::optional<LocalTime> later_today;
  LocalTime first = windows.front().start;
  std::string names;
  for (const TimeWindow& w : windows) {
    if (w.Contains(local.time)) return std::nullopt;
    if (w.start > local.time && (!later_today || w.start < *later_today)) later_today = w.start;
    first = std::min(first, w.start);
    names += (names.empty() ? "" : ", ") + w.ToString();
  }
  const int64_t to = later_today ? zone.LocalToUtcMs(local.date, *later_today)
                                 : zone.LocalToUtcMs(local.date.AddDays(1), first);
  return Move{to, "outside the preferred call windows " + names};
}

std::optional<std::string> ConsentRefusal(const ContactSubject& subject, const ContactAsk& ask) {
  const std::string label = ContactChannelLabel(ask.channel);
  if (subject.do_not_disturb) return "do not disturb";
  const ContactChoice choice = subject.consent[static_cast<size_t>(ask.channel)].choice;
  if (choice == ContactChoice::kOptedOut) return "opted out of " + label;
  if (ask.purpose == Purpose::kMarketing && choice != ContactChoice::kOptedIn) {
    return "no opt-in for " + label;
  }
  return std::nullopt;
}

// Whether a marketing contact at `t` keeps every window of `days` days at or
// under the cap: any known contact less than `days` days from `t`, before or
// after it, shares such a window with it.
bool OverCap(const ContactPolicy& policy, const ContactSubject& subject, int64_t t) {
  const int64_t span = policy.marketing_cap_days * kDayMs;
  const auto near =
      std::count_if(subject.marketing_contacts_ms.begin(), subject.marketing_contacts_ms.end(),
                    [&](int64_t c) { return c > t - span && c < t + span; });
  return near >= policy.marketing_cap;
}

ContactDecision Drop(std::string reason) {
  return {ContactDecision::Kind::kDrop, 0, false, std::move(reason)};
}

Result<TimeWindow> ReadWindow(const JsonIn& in) {
  RETURN_IF_ERROR(in.Object());
  TimeWindow window;
  ASSIGN_OR_RETURN(window.start, in.At("start").Time());
  ASSIGN_OR_RETURN(window.end, in.At("end").Time());
  if (window.start == window.end) {
    return in.At("end").Bad("'" + window.end.ToString() + "' equals the start");
  }
  return window;
}

Result<QuietScope> ReadScope(const JsonIn& in) {
  for (QuietScope scope : {QuietScope::kCalls, QuietScope::kMessages, QuietScope::kAll}) {
    if (in.value().is_string() && in.value().get<std::string>() == QuietScopeName(scope)) {
      return scope;
    }
  }
  return in.Bad(internal::Shown(in.value()) + " is not calls, messages or all");
}

Status ReadQuietHours(const JsonIn& list, ContactPolicy& out) {
  RETURN_IF_ERROR(list.Array());
  out.quiet_hours.clear();
  for (size_t i = 0; i < list.value().size(); ++i) {
    QuietHours quiet;
    ASSIGN_OR_RETURN(quiet.window, ReadWindow(list.At(i)));
    ASSIGN_OR_RETURN(quiet.applies_to, ReadScope(list.At(i).At("applies_to")));
    out.quiet_hours.push_back(quiet);
  }
  return Status::Ok();
}

Status ReadPreferred(const JsonIn& list, ContactPolicy& out) {
  RETURN_IF_ERROR(list.Array());
  out.preferred_call_windows.clear();
  for (size_t i = 0; i < list.value().size(); ++i) {
    ASSIGN_OR_RETURN(TimeWindow window, ReadWindow(list.At(i)));
    if (window.end < window.start) {
      return list.At(i).At("end").Bad("'" + window.end.ToString() +
                                      "' is before the start: a call window cannot wrap midnight");
    }
    out.preferred_call_windows.push_back(window);
  }
  return Status::Ok();
}

json WindowJson(const TimeWindow& window) {
  return {{"start", window.start.ToString()}, {"end", window.end.ToString()}};
}

}  // namespace

const char* PurposeName(Purpose purpose) {
  return purpose == Purpose::kMarketing ? "marketing" : "transactional";
}

std::optional<Purpose> ParsePurpose(const std::string& name) {
  if (name == "marketing") return Purpose::kMarketing;
  if (name == "transactional") return Purpose::kTransactional;
  return std::nullopt;
}

bool TimeWindow::Contains(const LocalTime& time) const {
  const int m = time.MinutesOfDay();
  if (start < end) return m >= start.MinutesOfDay() && m < end.MinutesOfDay();
  return m >= start.MinutesOfDay() || m < end.MinutesOfDay();
}

std::string TimeWindow::ToString() const { return start.ToString() + "-" + end.ToString(); }

ContactSubject SubjectOf(const model::Customer& customer,
                         std::vector<int64_t> marketing_contacts_ms) {
  return {customer.consent, customer.do_not_disturb, std::move(marketing_contacts_ms)};
}

ContactSubject SubjectOf(const Consent& consent, std::vector<int64_t> marketing_contacts_ms) {
  ContactSubject subject{{}, consent.do_not_disturb, std::move(marketing_contacts_ms)};
  for (ContactChannel c : kContactChannels) subject.consent[static_cast<size_t>(c)] = consent.Of(c);
  return subject;
}

ContactDecision Decide(const ContactPolicy& policy, const TimeZone& zone,
                       const HolidayCalendar& holidays, const ContactSubject& subject,
                       const ContactAsk& ask) {
  if (auto refusal = ConsentRefusal(subject, ask)) return Drop(*refusal);
  const bool marketing = ask.purpose == Purpose::kMarketing;
  const bool call = ask.channel == ContactChannel::kCall;
  std::vector<std::string> reasons;
  int64_t t = ask.earliest_ms;
  // Each pass either finds every rule content or moves t forward (at least
  // a minute, so a zone's odd hour cannot hold it still); the horizon ends it.
  while (t - ask.earliest_ms <= kHorizonDays * kDayMs) {
    std::optional<Move> move;
    if (marketing) move = HolidayRule(zone, holidays, t);
    if (!move) move = QuietRule(policy, zone, ask.channel, t);
    if (!move && marketing && call) move = PreferredRule(policy, zone, t);
    if (!move) break;
    if (std::find(reasons.begin(), reasons.end(), move->reason) == reasons.end()) {
      reasons.push_back(move->reason);
    }
    t = std::max(move->to, t + kMinuteMs);
  }
  if (t - ask.earliest_ms > kHorizonDays * kDayMs) {
    return Drop("no allowed time within " + std::to_string(kHorizonDays) + " days");
  }
  if (ask.not_after_ms && t >= *ask.not_after_ms) {
    if (t == ask.earliest_ms) return Drop("too late: at or after " + ask.not_after_what);
    return Drop("next allowed time (" + LocalText(zone, t) + ") is after " + ask.not_after_what +
                " (" + LocalText(zone, *ask.not_after_ms) + ")");
  }
  if (marketing && OverCap(policy, subject, t)) {
    return Drop("marketing cap: " + std::to_string(policy.marketing_cap) + " in " +
                std::to_string(policy.marketing_cap_days) + " days");
  }
  std::string reason;
  for (const std::string& r : reasons) reason += (reason.empty() ? "" : "; ") + r;
  return {ContactDecision::Kind::kSend, t, t != ask.earliest_ms, reason};
}

std::string WithOptOut(const ContactPolicy& policy, const std::string& text) {
  const std::string& opt_out = policy.opt_out_text;
  std::string out = text;
  if (opt_out.empty()) return out;
  for (size_t at = out.find(opt_out); at != std::string::npos; at = out.find(opt_out, at)) {
    out.erase(at, opt_out.size());
    // "a 回复TD退订 b" becomes "a b", not "a  b".
    if (at > 0 && out[at - 1] == ' ' && (at == out.size() || out[at] == ' ')) {
      out.erase(--at, 1);
    }
  }
  const size_t first = out.find_first_not_of(" \n");
  if (first == std::string::npos) return opt_out;
  out = out.substr(first, out.find_last_not_of(" \n") - first + 1);
  return out + " " + opt_out;
}

Result<ContactPolicy> ParseContactPolicy(const json& document) {
  const JsonIn root(kWhat, document);
  RETURN_IF_ERROR(root.Object());
  ContactPolicy out;
  RETURN_IF_ERROR(ReadQuietHours(root.At("quiet_hours"), out));
  RETURN_IF_ERROR(ReadPreferred(root.At("preferred_call_windows"), out));
  const JsonIn cap = root.At("marketing_cap");
  RETURN_IF_ERROR(cap.Object());
  ASSIGN_OR_RETURN(int64_t count, cap.At("count").Int(0, 100));
  ASSIGN_OR_RETURN(int64_t days, cap.At("days").Int(1, 366));
  out.marketing_cap = static_cast<int>(count);
  out.marketing_cap_days = static_cast<int>(days);
  ASSIGN_OR_RETURN(out.opt_out_text, root.At("opt_out_text").NonEmptyText());
  return out;
}

json ContactPolicyJson(const ContactPolicy& policy) {
  json quiet = json::array();
  for (const QuietHours& q : policy.quiet_hours) {
    json entry = WindowJson(q.window);
    entry["applies_to"] = QuietScopeName(q.applies_to);
    quiet.push_back(entry);
  }
  json preferred = json::array();
  for (const TimeWindow& w : policy.preferred_call_windows) preferred.push_back(WindowJson(w));
  return {{"quiet_hours", quiet},
          {"preferred_call_windows", preferred},
          {"marketing_cap", {{"count", policy.marketing_cap}, {"days", policy.marketing_cap_days}}},
          {"opt_out_text", policy.opt_out_text}};
}

}  // namespace outpost::outreach
