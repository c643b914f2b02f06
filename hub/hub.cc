#include "hub/hub.h"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <cstring>

#include "schema/migrations.h"
#include "sync/envelope.h"
#include "sync/merge.h"

namespace outpost::hub {
namespace {

using nlohmann::json;

Hash256 ToHash(const std::string& blob) {
  Hash256 h{};
  if (blob.size() == h.size()) std::memcpy(h.data(), blob.data(), h.size());
  return h;
}

template <size_t N>
std::array<uint8_t, N> ToArray(const std::string& blob) {
  std::array<uint8_t, N> a{};
  if (blob.size() == N) std::memcpy(a.data(), blob.data(), N);
  return a;
}

int EdgeSchemaVersion() { return schema::EdgeMigrations().back().version; }

// Validates a change's fields (a JSON object) and reads its top-level
// "store_id", without building a tree: the fast path of an insert needs no more.
struct FieldsScan final : nlohmann::json_sax<json> {
  int depth = 0;
  bool top_is_object = false;
  bool next_is_store_id = false;
  std::optional<std::string> store_id;

  bool null() override { return Value(); }
  bool boolean(bool) override { return Value(); }
  bool number_integer(number_integer_t) override { return Value(); }
  bool number_unsigned(number_unsigned_t) override { return Value(); }
  bool number_float(number_float_t, const string_t&) override { return Value(); }
  bool string(string_t& value) override {
    if (next_is_store_id) store_id = value;
    return Value();
  }
  bool binary(binary_t&) override { return Value(); }
  bool start_object(std::size_t) override {
    if (depth == 0) top_is_object = true;
    ++depth;
    next_is_store_id = false;
    return true;
  }
  bool key(string_t& key) override {
    next_is_store_id = depth == 1 && key == "store_id";
    return true;
  }
  bool end_object() override { return --depth >= 0; }
  bool start_array(std::size_t) override {
    ++depth;
    next_is_store_id = false;
    return true;
  }
  bool end_array() override { return --depth >= 0; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  bool Value() {
    next_is_store_id = false;
    return true;
  }
};

}  // namespace

Result<std::unique_ptr<Hub>> Hub::Open(const std::string& path, SecretKeys keys,
                                       const Clock& clock) {
  ASSIGN_OR_RETURN(auto db, Db::Open(path, {}));
  RETURN_IF_ERROR(db->Migrate(schema::HubMigrations()));
  return std::unique_ptr<Hub>(new Hub(std::move(db), std::move(keys), clock));
}

Status Hub::AllowStore(const PublicKeys& store) {
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(Statement st,
                   db_->Prepare("INSERT INTO stores (site_id, sign_pk, kx_pk, key_id, added_at)"
                                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (site_id) DO UPDATE SET"
                                " sign_pk = excluded.sign_pk, kx_pk = excluded.kx_pk,"
                                " key_id = excluded.key_id"));
  st.Bind(1, store.site_id)
      .BindBlob(2, store.sign_pk)
      .BindBlob(3, store.kx_pk)
      .Bind(4, store.KeyId())
      .Bind(5, FormatUtcMs(clock_.NowMs()));
  RETURN_IF_ERROR(st.Run());
  ASSIGN_OR_RETURN(Statement cursor,
                   db_->Prepare("INSERT INTO store_cursors (site_id, last_seq, last_hash)"
                                " VALUES (?, 0, ?) ON CONFLICT (site_id) DO NOTHING"));
  cursor.Bind(1, store.site_id).BindBlob(2, Hash256{});
  RETURN_IF_ERROR(cursor.Run());
  return tx->Commit();
}

Result<PublicKeys> Hub::StoreKeys(const std::string& site_id) {
  ASSIGN_OR_RETURN(Statement st,
                   db_->Prepare("SELECT sign_pk, kx_pk FROM stores WHERE site_id = ?"));
  st.Bind(1, site_id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("store '" + site_id + "' is not on the hub's allow-list");
  PublicKeys keys;
  keys.site_id = site_id;
  keys.sign_pk = ToArray<32>(st.Blob(0));
  keys.kx_pk = ToArray<32>(st.Blob(1));
  return keys;
}

Status Hub::LogSecurity(const std::optional<std::string>& site, const std::string& kind,
                        const std::string& reason) {
  ASSIGN_OR_RETURN(Statement st, db_->Prepare("INSERT INTO security_log (at, site_id, kind,"
                                              " reason) VALUES (?, ?, ?, ?)"));
  st.Bind(1, FormatUtcMs(clock_.NowMs())).Bind(2, site).Bind(3, kind).Bind(4, reason);
  return st.Run();
}

Result<WireAck> Hub::Ingest(std::string_view envelope) {
  auto refuse = [&](const std::optional<std::string>& site, const Status& why) -> Status {
    (void)LogSecurity(site, "refused", why.message());
    return why;
  };
  auto header = PeekEnvelope(envelope);
  if (!header.ok()) return refuse(std::nullopt, header.status());
  const std::string site = header->site_id;
  auto sender = StoreKeys(site);
  if (!sender.ok()) return refuse(site, Status::Refused("unknown store '" + site + "'"));
  auto plaintext = OpenEnvelope(envelope, keys_, sender.value(), Direction::kStoreToHub);
  if (!plaintext.ok()) return refuse(site, plaintext.status());
  auto message = DecodeMessage(plaintext.value());
  if (!message.ok()) return refuse(site, message.status());

  if (const auto* hello = std::get_if<WireHello>(&message.value())) {
    if (hello->site_id != site) {
      return refuse(site, Status::Refused("hello names '" + hello->site_id + "'"));
    }
    ASSIGN_OR_RETURN(Statement st, db_->Prepare("UPDATE store_cursors SET last_contact = ?"
                                                " WHERE site_id = ? RETURNING last_seq"));
    st.Bind(1, FormatUtcMs(clock_.NowMs())).Bind(2, site);
    ASSIGN_OR_RETURN(bool row, st.Step());
    const int64_t last = row ? st.Int(0) : 0;
    RETURN_IF_ERROR(st.Run());
    WireAck ack{site, last, 0, "ok"};
    RETURN_IF_ERROR(NoteReportedSeq(site, hello->last_seq));
    RETURN_IF_ERROR(AttachPushes(site, hello->applied_push_seq, ack));
    return ack;
  }
  const auto* batch = std::get_if<WireBatch>(&message.value());
  if (!batch) return refuse(site, Status::Refused("a store may send only hellos and batches"));
  if (batch->site_id != site) {
    return refuse(site, Status::Refused("batch from '" + site + "' claims to be from '" +
                                        batch->site_id + "'"));
  }
  if (!batch->changes.empty()) {
    RETURN_IF_ERROR(NoteReportedSeq(site, batch->changes.back().seq));
  }
  ASSIGN_OR_RETURN(WireAck ack, ApplyBatch(*batch, envelope));
  RETURN_IF_ERROR(AttachPushes(site, batch->applied_push_seq, ack));
  return ack;
}

Status Hub::NoteReportedSeq(const std::string& site, int64_t seq) {
  ASSIGN_OR_RETURN(Statement st, db_->Prepare("UPDATE store_cursors SET reported_seq ="
                                              " max(reported_seq, ?) WHERE site_id = ?"));
  st.Bind(1, seq).Bind(2, site);
  return st.Run();
}

Status Hub::AttachPushes(const std::string& site, int64_t applied_push_seq, WireAck& ack) {
  ASSIGN_OR_RETURN(Statement mark,
                   db_->Prepare("UPDATE store_cursors SET applied_push_seq ="
                                " max(applied_push_seq, min(?, (SELECT coalesce(max(seq), 0)"
                                " FROM hub_outbox WHERE site_id = ?2))) WHERE site_id = ?2"));
  mark.Bind(1, applied_push_seq).Bind(2, site);
  RETURN_IF_ERROR(mark.Run());
  ASSIGN_OR_RETURN(Statement pending,
                   db_->Prepare("SELECT seq, request FROM hub_outbox WHERE site_id = ?"
                                " AND seq > ? ORDER BY seq LIMIT 100"));
  pending.Bind(1, site).Bind(2, applied_push_seq);
  while (true) {
    ASSIGN_OR_RETURN(bool row, pending.Step());
    if (!row) break;
    ack.pushes.push_back({pending.Int(0), pending.Text(1)});
  }
  return Status::Ok();
}

Result<int64_t> Hub::QueueBooking(const std::string& site, const nlohmann::json& request,
                                  const std::string& staff) {
  if (staff.empty()) return Status::InvalidInput("staff: say who is booking");
  for (const char* field : {"phone", "date", "slot"}) {
    if (!request.contains(field) || !request[field].is_string() ||
        request[field].get<std::string>().empty()) {
      return Status::InvalidInput(std::string(field) + ": required for a call-centre booking");
    }
  }
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  RETURN_IF_ERROR(StoreKeys(site).status());  // only stores on the allow-list
  ASSIGN_OR_RETURN(Statement next, db_->Prepare("SELECT coalesce(max(seq), 0) + 1 FROM hub_outbox"
                                                " WHERE site_id = ?"));
  next.Bind(1, site);
  ASSIGN_OR_RETURN(bool row, next.Step());
  const int64_t seq = row ? next.Int(0) : 1;
  next.Reset();
  nlohmann::json stored = request;
  stored["staff"] = staff;
  stored["requested_at"] = FormatUtcMs(clock_.NowMs());  // business time: when the customer asked
  ASSIGN_OR_RETURN(Statement ins, db_->Prepare("INSERT INTO hub_outbox (site_id, seq, request,"
                                               " created_at, created_by) VALUES (?, ?, ?, ?, ?)"));
  ins.Bind(1, site).Bind(2, seq).Bind(3, stored.dump()).Bind(4, FormatUtcMs(clock_.NowMs()))
      .Bind(5, staff);
  RETURN_IF_ERROR(ins.Run());
  RETURN_IF_ERROR(tx->Commit());
  return seq;
}

Result<WireAck> Hub::ApplyBatch(const WireBatch& batch, std::string_view envelope) {
  const std::string& site = batch.site_id;
  const std::string now = FormatUtcMs(clock_.NowMs());
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(*db_));
  ASSIGN_OR_RETURN(Statement cur, db_->Prepare("SELECT last_seq, last_hash FROM store_cursors"
                                               " WHERE site_id = ?"));
  cur.Bind(1, site);
  ASSIGN_OR_RETURN(bool has_cursor, cur.Step());
  if (!has_cursor) return Status::Refused("store '" + site + "' has no cursor");
  const int64_t last_seq = cur.Int(0);
  const Hash256 last_hash = ToHash(cur.Blob(1));
  cur.Reset();

  auto ack = [&](int64_t seq, std::string status) -> Result<WireAck> {
    ASSIGN_OR_RETURN(Statement contact, db_->Prepare("UPDATE store_cursors SET last_contact = ?"
                                                     " WHERE site_id = ?"));
    contact.Bind(1, now).Bind(2, site);
    RETURN_IF_ERROR(contact.Run());
    RETURN_IF_ERROR(tx->Commit());
    return WireAck{site, seq, 0, std::move(status)};
  };

  // A store on a newer schema than the hub knows holds its changes back
  // instead of having them misread; older schemas are read as they are.
  if (batch.schema_version > EdgeSchemaVersion()) {
    return ack(last_seq, "held: store schema " + std::to_string(batch.schema_version) +
                             " is newer than the hub's " + std::to_string(EdgeSchemaVersion()) +
                             "; upgrade the hub");
  }
  if (batch.changes.empty()) return ack(last_seq, "ok");

  // Changes the hub already has must be byte-identical: anything else is equivocation.
  std::vector<ChangeEntry> fresh;
  for (const auto& change : batch.changes) {
    if (change.site_id != site) {
      const std::string reason = "batch from '" + site + "' carries a change of another site";
      tx.reset();  // roll back first: the log entry must outlive the refusal
      (void)LogSecurity(site, "refused", reason);
      return Status::Refused(reason);
    }
    if (change.seq > last_seq) {
      fresh.push_back(change);
      continue;
    }
    ASSIGN_OR_RETURN(Statement have,
                     db_->Prepare("SELECT hash FROM changes WHERE site_id = ? AND seq = ?"));
    have.Bind(1, site).Bind(2, change.seq);
    ASSIGN_OR_RETURN(bool known, have.Step());
    if (!known || ToHash(have.Blob(0)) != change.hash) {
      const std::string reason = "equivocation: store '" + site + "' sent seq " +
                                 std::to_string(change.seq) +
                                 " with content different from what the hub applied";
      tx.reset();  // roll back before logging in a transaction of its own
      (void)LogSecurity(site, "alarm", reason);
      return Status::Corruption(reason);
    }
  }
  if (fresh.empty()) return ack(last_seq, "ok");  // a replay: already applied, nothing to do
  if (fresh.front().seq != last_seq + 1) {
    return ack(last_seq, "gap: expected seq " + std::to_string(last_seq + 1) + ", got " +
                             std::to_string(fresh.front().seq));
  }
  Status chain = VerifyChain(fresh, last_hash);
  if (!chain.ok()) {
    tx.reset();
    (void)LogSecurity(site, "refused", chain.message());
    return chain;
  }
  for (const auto& change : fresh) {
    Status st = ApplyChangeLocked(change);
    if (!st.ok()) {
      tx.reset();
      (void)LogSecurity(site, "refused", st.message());
      return st;
    }
  }
  ASSIGN_OR_RETURN(Statement archive,
                   db_->Prepare("INSERT INTO batch_archive (site_id, first_seq, last_seq,"
                                " received_at, envelope) VALUES (?, ?, ?, ?, ?)"));
  archive.Bind(1, site)
      .Bind(2, fresh.front().seq)
      .Bind(3, fresh.back().seq)
      .Bind(4, now)
      .BindBlob(5, envelope.data(), envelope.size());
  RETURN_IF_ERROR(archive.Run());
  ASSIGN_OR_RETURN(Statement move, db_->Prepare("UPDATE store_cursors SET last_seq = ?,"
                                                " last_hash = ?, last_batch_at = ?"
                                                " WHERE site_id = ?"));
  move.Bind(1, fresh.back().seq).BindBlob(2, fresh.back().hash).Bind(3, now).Bind(4, site);
  RETURN_IF_ERROR(move.Run());
  // Acknowledged only after the commit: an ack is a promise the hub keeps.
  return ack(fresh.back().seq, "ok");
}

Status Hub::ApplyChangeLocked(const ChangeEntry& c) {
  FieldsScan scan;
  if (!json::sax_parse(c.fields_json, &scan) || !scan.top_is_object) {
    return Status::Corruption("change " + c.site_id + "/" + std::to_string(c.seq) +
                              ": fields are not a JSON object");
  }
  RETURN_IF_ERROR(InsertChangeRow(*db_, "changes", c));

  // Who owns an entity this change would create: a booking belongs to the store
  // it is at (its store_id), anything else to the site that created it.
  const std::string creator = scan.store_id.value_or(c.site_id);
  // A new entity, the common case: written as the store wrote it, without a read.
  if (c.op == "insert") {
    const std::string& owner = creator;
    if (owner != c.site_id) {
      return Status::Refused("store '" + c.site_id + "' wrote " + c.entity + " " + c.entity_id +
                             ", which belongs to '" + owner + "'");
    }
    ASSIGN_OR_RETURN(Statement fresh,
                     db_->Prepare("INSERT INTO entities (entity, entity_id, owner_site, fields,"
                                  " field_hlcs, last_hlc, base_hlc) VALUES (?, ?, ?, ?, '{}', ?, ?)"
                                  " ON CONFLICT (entity, entity_id) DO NOTHING"));
    fresh.Bind(1, c.entity)
        .Bind(2, c.entity_id)
        .Bind(3, owner)
        .Bind(4, c.fields_json)
        .Bind(5, static_cast<int64_t>(c.hlc))
        .Bind(6, static_cast<int64_t>(c.hlc));
    RETURN_IF_ERROR(fresh.Run());
    if (db_->RowsChanged() == 1) return Status::Ok();
    // The id exists already: merge below, which also checks whose it is.
  }

  const json fields = json::parse(c.fields_json);  // valid: scanned above
  ASSIGN_OR_RETURN(Statement get, db_->Prepare("SELECT owner_site, fields, field_hlcs, base_hlc"
                                               " FROM entities WHERE entity = ? AND entity_id = ?"));
  get.Bind(1, c.entity).Bind(2, c.entity_id);
  ASSIGN_OR_RETURN(bool exists, get.Step());
  std::string owner = exists ? get.Text(0) : creator;
  json state = exists ? json::parse(get.Text(1), nullptr, false) : json::object();
  json hlcs = exists ? json::parse(get.Text(2), nullptr, false) : json::object();
  const uint64_t base_hlc = exists ? static_cast<uint64_t>(get.Int(3)) : c.hlc;
  get.Reset();
  if (!state.is_object() || !hlcs.is_object()) {
    return Status::Corruption("hub entity " + c.entity + " " + c.entity_id + " is damaged");
  }
  // A store writes only its own rows.
  if (owner != c.site_id) {
    return Status::Refused("store '" + c.site_id + "' wrote " + c.entity + " " + c.entity_id +
                           ", which belongs to '" + owner + "'");
  }
  // The merge rules live in sync/merge.h (docs/CONFLICTS.md).
  MergeFields(state, hlcs, fields, Stamp{c.hlc, c.site_id}, Stamp{base_hlc, owner});
  ASSIGN_OR_RETURN(Statement put,
                   db_->Prepare("INSERT INTO entities (entity, entity_id, owner_site, fields,"
                                " field_hlcs, last_hlc, base_hlc) VALUES (?, ?, ?, ?, ?, ?, ?)"
                                " ON CONFLICT (entity, entity_id) DO UPDATE SET"
                                " fields = excluded.fields, field_hlcs = excluded.field_hlcs,"
                                " last_hlc = max(last_hlc, excluded.last_hlc)"));
  put.Bind(1, c.entity)
      .Bind(2, c.entity_id)
      .Bind(3, owner)
      .Bind(4, state.dump())
      .Bind(5, hlcs.dump())
      .Bind(6, static_cast<int64_t>(c.hlc))
      .Bind(7, static_cast<int64_t>(base_hlc));
  return put.Run();
}

Result<std::string> Hub::SealReply(const WireAck& ack) {
  ASSIGN_OR_RETURN(PublicKeys store, StoreKeys(ack.site_id));
  return SealEnvelope(EncodeMessage(ack), keys_, store, Direction::kHubToStore, ack.site_id);
}

Result<std::vector<StoreState>> Hub::Stores() {
  ASSIGN_OR_RETURN(Statement st,
                   db_->Prepare("SELECT s.site_id, s.key_id, c.last_seq, c.last_contact,"
                                " c.last_batch_at, c.last_hash, (SELECT count(*) FROM hub_outbox o"
                                " WHERE o.site_id = s.site_id), c.applied_push_seq, c.reported_seq"
                                " FROM stores s JOIN store_cursors c USING (site_id)"
                                " ORDER BY s.site_id"));
  std::vector<StoreState> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), st.Text(1), st.Int(2), st.OptionalText(3), st.OptionalText(4),
                   HashHex(ToHash(st.Blob(5))), st.Int(6), st.Int(7), st.Int(8)});
  }
  return out;
}

Result<std::vector<SecurityEvent>> Hub::SecurityLog() {
  ASSIGN_OR_RETURN(Statement st, db_->Prepare("SELECT at, site_id, kind, reason FROM"
                                              " security_log ORDER BY id"));
  std::vector<SecurityEvent> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Text(0), st.OptionalText(1), st.Text(2), st.Text(3)});
  }
  return out;
}

Result<std::string> Hub::StateDigest() {
  ASSIGN_OR_RETURN(Statement st, db_->Prepare("SELECT entity, entity_id, fields FROM entities"
                                              " ORDER BY entity, entity_id"));
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 32);
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    for (int col = 0; col < 3; ++col) {
      std::string value = st.Text(col);
      uint64_t len = value.size();
      crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(&len), sizeof len);
      crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(value.data()),
                                value.size());
    }
  }
  Hash256 out;
  crypto_generichash_final(&state, out.data(), out.size());
  return HashHex(out);
}

}  // namespace outpost::hub
