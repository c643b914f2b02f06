#include "edge/hub_link.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "sync/clock.h"
#include "sync/envelope.h"
#include "sync/hub_log.h"
#include "sync/i18n/messages.h"

namespace outpost::edge {
namespace {

constexpr int64_t kKeepEveryMs = int64_t{10} * 60 * 1000;

template <size_t N>
std::array<uint8_t, N> ToArray(const std::string& blob) {
  std::array<uint8_t, N> a{};
  if (blob.size() == N) std::memcpy(a.data(), blob.data(), N);
  return a;
}

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Status KeepHubHead(Db& db, const PublicKeys& hub, const SignedHead& head, int64_t now_ms) {
  if (!HubHeadSignatureOk(hub, head)) {
    return Status::Corruption("hub head " + std::to_string(head.index) +
                              ": signature is not the pinned hub key's")
        .WithShown(i18n::Format("hub head {0}: signature is not the pinned hub key's",
                                {std::to_string(head.index)}));
  }
  const std::string now = FormatUtcMs(now_ms);
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db));
  ASSIGN_OR_RETURN(Statement latest,
                   db.Prepare("UPDATE sync_state SET latest_head_idx = ?, latest_head = ?,"
                              " latest_head_signature = ? WHERE latest_head_idx <= ?"));
  latest.Bind(1, head.index)
      .BindBlob(2, head.head)
      .BindBlob(3, head.signature.data(), head.signature.size())
      .Bind(4, head.index);
  RETURN_IF_ERROR(latest.Run());
  // Kept for good when the last kept head is ten minutes old (or there is none).
  ASSIGN_OR_RETURN(Statement last, db.Prepare("SELECT received_at FROM hub_heads ORDER BY idx"
                                              " DESC LIMIT 1"));
  ASSIGN_OR_RETURN(bool has_last, last.Step());
  bool keep = !has_last;
  if (has_last) {
    auto at = ParseUtcMs(last.Text(0));
    keep = !at.ok() || now_ms - at.value() >= kKeepEveryMs;
  }
  last.Reset();
  if (keep && head.index > 0) {
    ASSIGN_OR_RETURN(Statement ins, db.Prepare("INSERT INTO hub_heads (idx, head, signature,"
                                               " received_at) VALUES (?, ?, ?, ?)"
                                               " ON CONFLICT (idx) DO NOTHING"));
    ins.Bind(1, head.index)
        .BindBlob(2, head.head)
        .BindBlob(3, head.signature.data(), head.signature.size())
        .Bind(4, now);
    RETURN_IF_ERROR(ins.Run());
  }
  return tx->Commit();
}

Result<std::vector<KeptHead>> KeptHubHeads(Db& db) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("SELECT idx, head, signature, received_at FROM hub_heads UNION"
                              " SELECT latest_head_idx, latest_head, latest_head_signature,"
                              " last_contact FROM sync_state WHERE latest_head IS NOT NULL"
                              " ORDER BY 1"));
  std::vector<KeptHead> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    KeptHead k;
    k.head.index = st.Int(0);
    k.head.head = ToArray<32>(st.Blob(1));
    k.head.signature = ToArray<64>(st.Blob(2));
    k.received_at = st.OptionalText(3).value_or("");
    if (!out.empty() && out.back().head.index == k.head.index &&
        out.back().head.head == k.head.head) {
      continue;  // the newest is also a kept one
    }
    out.push_back(std::move(k));
  }
  return out;
}

Result<std::vector<std::string>> SplitHubEndpoints(const std::string& list) {
  std::vector<std::string> endpoints;
  size_t from = 0;
  while (true) {
    const size_t comma = list.find(',', from);
    std::string item =
        list.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item.empty()) {
      return Status::InvalidInput("hub endpoints '" + list + "': an empty entry")
          .WithShown(i18n::Format("hub endpoints '{0}': an empty entry", {list}))
          .WithField("hub");
    }
    endpoints.push_back(std::move(item));
    if (comma == std::string::npos) return endpoints;
    from = comma + 1;
  }
}

Result<std::unique_ptr<HubQuery>> HubQuery::Connect(const std::string& endpoints, SecretKeys keys,
                                                    PublicKeys hub, int timeout_ms) {
  ASSIGN_OR_RETURN(auto list, SplitHubEndpoints(endpoints));
  return std::unique_ptr<HubQuery>(
      new HubQuery(std::move(list), std::move(keys), std::move(hub), timeout_ms));
}

Result<WireLogReply> HubQuery::Ask(const WireLogRequest& request) {
  ASSIGN_OR_RETURN(WireMessage answer,
                   Exchange(request, WireMessage(std::in_place_type<WireLogReply>).index()));
  return std::get<WireLogReply>(std::move(answer));
}

Result<WireLookupReply> HubQuery::Lookup(const std::string& phone, const std::string& staff) {
  ASSIGN_OR_RETURN(WireMessage answer,
                   Exchange(WireLookup{keys_.pub.site_id, phone, staff},
                            WireMessage(std::in_place_type<WireLookupReply>).index()));
  return std::get<WireLookupReply>(std::move(answer));
}

Result<WireMessage> HubQuery::Exchange(const WireMessage& message, size_t expected_kind) {
  const std::string sealed =
      SealEnvelope(EncodeMessage(message), keys_, hub_, Direction::kStoreToHub, keys_.pub.site_id);
  // Each endpoint gets an equal share of the time: a lost hub process costs
  // its share, not the whole wait.
  const int share = std::max(1, timeout_ms_ / static_cast<int>(endpoints_.size()));
  Status last = Status::Ok();
  for (const auto& endpoint : endpoints_) {
    ASSIGN_OR_RETURN(endpoint_, StoreEndpoint::Connect(endpoint, keys_, hub_));
    auto answer = ExchangeOnce(sealed, expected_kind, share);
    if (answer.ok() || answer.status().code() != StatusCode::kRetryLater) return answer;
    last = answer.status();
  }
  return last;
}

Result<WireMessage> HubQuery::ExchangeOnce(const std::string& sealed, size_t expected_kind,
                                           int timeout_ms) {
  const int64_t deadline = SteadyMs() + timeout_ms;
  // The link may still be connecting (CURVE handshake): retry the send until the deadline.
  while (true) {
    Status sent = endpoint_->Send(sealed);
    if (sent.ok()) break;
    if (sent.code() != StatusCode::kRetryLater || SteadyMs() >= deadline) {
      // Why, as far as the transport can tell (sync/transport.h LinkState).
      return Status::RetryLater("the hub is not reachable: " + endpoint_->Link().text)
          .WithShown(i18n::Format("the hub is not reachable: {0}", {endpoint_->Link().text}));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  while (true) {
    const int64_t left = deadline - SteadyMs();
    if (left <= 0) break;
    ASSIGN_OR_RETURN(auto reply, endpoint_->Receive(static_cast<int>(left)));
    if (!reply) break;
    auto opened = OpenEnvelope(*reply, keys_, hub_, Direction::kHubToStore);
    if (!opened.ok()) continue;  // not from our hub
    auto decoded = DecodeMessage(opened.value());
    if (!decoded.ok() || decoded->index() != expected_kind) continue;  // e.g. a stale sync ack
    if (auto* answer = std::get_if<WireLogReply>(&decoded.value())) {
      if (answer->site_id != keys_.pub.site_id) continue;
      if (answer->hub_head && !HubHeadSignatureOk(hub_, *answer->hub_head)) {
        return Status::Corruption("hub answer: its log head is not signed by the pinned hub key");
      }
    }
    if (auto* found = std::get_if<WireLookupReply>(&decoded.value())) {
      if (found->site_id != keys_.pub.site_id) continue;
    }
    return std::move(decoded.value());
  }
  return Status::RetryLater("the hub did not answer within " + std::to_string(timeout_ms) + " ms")
      .WithShown(
          i18n::Format("the hub did not answer within {0} ms", {std::to_string(timeout_ms)}));
}

Result<int64_t> HubAckedSeq(Db& db) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT hub_acked_seq FROM sync_state"));
  ASSIGN_OR_RETURN(bool has_state, st.Step());
  const int64_t acked = has_state ? st.Int(0) : 0;
  st.Reset();
  return acked;
}

Status SetHubAckedSeq(Db& db, int64_t seq, bool allow_back) {
  ASSIGN_OR_RETURN(Statement st, db.Prepare(allow_back ? "UPDATE sync_state SET hub_acked_seq = ?"
                                                       : "UPDATE sync_state SET hub_acked_seq ="
                                                         " max(hub_acked_seq, ?)"));
  st.Bind(1, seq);
  return st.Run();
}

Result<SignedHead> VerifiedHubHead(Db& db) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("SELECT heads_verified_idx, heads_verified_head FROM sync_state"));
  ASSIGN_OR_RETURN(bool has_anchor, st.Step());
  SignedHead anchor;
  if (has_anchor) {
    anchor.index = st.Int(0);
    const std::string blob = st.IsNull(1) ? std::string() : st.Blob(1);
    if (blob.size() == anchor.head.size()) {
      std::copy(blob.begin(), blob.end(), anchor.head.begin());
    }
  }
  st.Reset();
  return anchor;
}

Status SetVerifiedHubHead(Db& db, int64_t index, const Hash256& head) {
  ASSIGN_OR_RETURN(Statement put, db.Prepare("UPDATE sync_state SET heads_verified_idx = ?,"
                                             " heads_verified_head = ?"));
  put.Bind(1, index).BindBlob(2, head);
  return put.Run();
}

}  // namespace outpost::edge
