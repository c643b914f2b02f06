#include "hub/storage/sqlite/identity_store.h"

#include <map>
#include <set>
#include <tuple>

#include "hub/storage/sqlite/parts.h"
#include "hub/storage/sqlite/record_log.h"
#include "sync/model/booking.h"
#include "sync/model/customer.h"

namespace outpost::hub::storage::sqlite {
namespace {

// Phones as stored: a JSON array of E.164 strings, read without a JSON tree.
std::vector<std::string> PhonesOf(const std::string& array_text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = array_text.find('"', pos)) != std::string::npos) {
    const size_t end = array_text.find('"', pos + 1);
    if (end == std::string::npos) break;
    out.push_back(array_text.substr(pos + 1, end - pos - 1));
    pos = end + 1;
  }
  return out;
}

// When each booking was first cancelled (0015_month_report.sql): the
// updated_at of the first change that set its status "cancelled", by id.
using CancelTimes = std::map<std::string, std::string>;

// The typed rows of one booking, customer or vehicle (0011_typed_entities.sql)
// replaced by what its merged fields decode to: `fields` nullopt (no such
// entity) or refused by the codec leaves none. A booking's cancelled_at is
// the first cancel's: kept from its row, else `cancels`' (the changes being
// indexed), else, for one cancelled with no such change at hand, its last
// change (a cancelled booking changes no more), as the store's report does.
Status PutTypedBooking(Db& db, const std::string& id, const std::string& site,
                       const std::optional<nlohmann::json>& fields, const CancelTimes& cancels) {
  ASSIGN_OR_RETURN(Statement was,
                   db.Prepare("SELECT cancelled_at FROM hub_bookings WHERE booking_id = ?"));
  was.Bind(1, id);
  ASSIGN_OR_RETURN(bool had, was.Step());
  std::optional<std::string> cancelled_at = had ? was.OptionalText(0) : std::nullopt;
  was.Reset();
  if (!cancelled_at) {
    if (auto it = cancels.find(id); it != cancels.end()) cancelled_at = it->second;
  }
  ASSIGN_OR_RETURN(Statement drop, db.Prepare("DELETE FROM hub_bookings WHERE booking_id = ?"));
  drop.Bind(1, id);
  RETURN_IF_ERROR(drop.Run());
  if (!fields) return Status::Ok();
  auto parsed = model::ParseBooking(id, *fields);
  if (!parsed.ok()) return Status::Ok();
  const model::Booking& b = parsed.value();
  if (!cancelled_at && b.status == BookingStatus::kCancelled) cancelled_at = b.updated_at;
  ASSIGN_OR_RETURN(Statement put,
                   db.Prepare("INSERT INTO hub_bookings (booking_id, site, ref, customer_id,"
                              " vehicle_id, service, slot_date, slot_time, status, channel,"
                              " created_at, updated_at, arrived_at, cancel_reason,"
                              " needs_reschedule, amount_fen, requested_at, moved_here,"
                              " cancelled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
                              " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  put.Bind(1, id)
      .Bind(2, site)
      .Bind(3, b.ref)
      .Bind(4, b.customer_id)
      .Bind(5, b.vehicle_id)
      .Bind(6, b.service)
      .Bind(7, b.slot_date)
      .Bind(8, b.slot_time)
      .Bind(9, BookingStatusName(b.status))
      .Bind(10, ChannelName(b.channel))
      .Bind(11, b.created_at)
      .Bind(12, b.updated_at)
      .Bind(13, b.arrived_at)
      .Bind(14, b.cancel_reason)
      .Bind(15, int64_t{b.needs_reschedule});
  if (b.amount_fen) {
    put.Bind(16, *b.amount_fen);
  } else {
    put.BindNull(16);
  }
  put.Bind(17, b.requested_at)
      .Bind(18, int64_t{b.rescheduled_from.has_value()})
      .Bind(19, cancelled_at);
  return put.Run();
}

Status PutTypedCustomer(Db& db, const std::string& id, const std::string& site,
                        const std::optional<nlohmann::json>& fields) {
  ASSIGN_OR_RETURN(Statement drop, db.Prepare("DELETE FROM hub_customers WHERE customer_id = ?"));
  drop.Bind(1, id);
  RETURN_IF_ERROR(drop.Run());
  ASSIGN_OR_RETURN(Statement drop_phones,
                   db.Prepare("DELETE FROM hub_customer_phones WHERE customer_id = ?"));
  drop_phones.Bind(1, id);
  RETURN_IF_ERROR(drop_phones.Run());
  if (!fields) return Status::Ok();
  auto parsed = model::ParseCustomer(id, *fields);
  if (!parsed.ok()) return Status::Ok();
  const model::Customer& c = parsed.value();
  ASSIGN_OR_RETURN(Statement put,
                   db.Prepare("INSERT INTO hub_customers (customer_id, site, name, member_id,"
                              " do_not_disturb, created_at) VALUES (?, ?, ?, ?, ?, ?)"));
  put.Bind(1, id)
      .Bind(2, site)
      .Bind(3, c.name)
      .Bind(4, c.member_id)
      .Bind(5, int64_t{c.do_not_disturb})
      .Bind(6, c.created_at);
  RETURN_IF_ERROR(put.Run());
  ASSIGN_OR_RETURN(Statement phone, db.Prepare("INSERT OR IGNORE INTO hub_customer_phones (phone,"
                                               " customer_id) VALUES (?, ?)"));
  for (const auto& p : c.phones) {
    phone.Reset();
    phone.Bind(1, p).Bind(2, id);
    RETURN_IF_ERROR(phone.Run());
  }
  return Status::Ok();
}

Status PutTypedVehicle(Db& db, const std::string& id, const std::string& site,
                       const std::optional<nlohmann::json>& fields) {
  ASSIGN_OR_RETURN(Statement drop, db.Prepare("DELETE FROM hub_vehicles WHERE vehicle_id = ?"));
  drop.Bind(1, id);
  RETURN_IF_ERROR(drop.Run());
  if (!fields) return Status::Ok();
  auto parsed = model::ParseVehicle(id, *fields);
  if (!parsed.ok()) return Status::Ok();
  const model::Vehicle& v = parsed.value();
  ASSIGN_OR_RETURN(Statement put,
                   db.Prepare("INSERT INTO hub_vehicles (vehicle_id, site, customer_id, plate,"
                              " vin, mileage_km) VALUES (?, ?, ?, ?, ?, ?)"));
  put.Bind(1, id).Bind(2, site).Bind(3, v.customer_id).Bind(4, v.plate).Bind(5, v.vin);
  if (v.mileage_km) {
    put.Bind(6, *v.mileage_km);
  } else {
    put.BindNull(6);
  }
  return put.Run();
}

// Replaces the typed rows of entity (`kind`, `id`) from its merged fields.
Status PutTyped(Db& db, const std::string& kind, const std::string& id, const std::string& site,
                const std::optional<std::string>& fields_text, const CancelTimes& cancels) {
  std::optional<nlohmann::json> fields;
  if (fields_text) {
    nlohmann::json f = nlohmann::json::parse(*fields_text, nullptr, false);
    if (f.is_object()) fields = std::move(f);
  }
  if (kind == "booking") return PutTypedBooking(db, id, site, fields, cancels);
  if (kind == "customer") return PutTypedCustomer(db, id, site, fields);
  if (kind == "vehicle") return PutTypedVehicle(db, id, site, fields);
  return Status::Ok();
}

// The first cancel of every booking in the stores' logs (a backfill's).
Result<CancelTimes> AllCancelTimes(Db& db) {
  ASSIGN_OR_RETURN(Statement st,
                   db.Prepare("SELECT entity_id, min(coalesce(json_extract(fields,"
                              " '$.updated_at'), business_time, recorded_at)) FROM changes"
                              " WHERE entity = 'booking' AND json_extract(fields, '$.status') ="
                              " 'cancelled' GROUP BY entity_id"));
  CancelTimes out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out[st.Text(0)] = st.Text(1);
  }
  return out;
}

// The typed rows of every entity changed in `changed` ((kind, id) pairs), or
// of every entity when a backfill is pending (then no longer). `cancels`: the
// first cancel of each booking among the changes being indexed.
Status RefreshTyped(Db& db, const std::set<std::pair<std::string, std::string>>& changed,
                    const CancelTimes& cancels, bool backfill) {
  if (backfill) {
    ASSIGN_OR_RETURN(CancelTimes all_cancels, AllCancelTimes(db));
    ASSIGN_OR_RETURN(Statement all, db.Prepare("SELECT entity, entity_id, owner_site, fields FROM"
                                               " entities WHERE entity IN ('booking', 'customer',"
                                               " 'vehicle')"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, all.Step());
      if (!row) break;
      RETURN_IF_ERROR(
          PutTyped(db, all.Text(0), all.Text(1), all.Text(2), all.Text(3), all_cancels));
    }
    return db.Exec("DELETE FROM hub_typed_backfill");
  }
  ASSIGN_OR_RETURN(Statement one, db.Prepare("SELECT owner_site, fields FROM entities WHERE"
                                             " entity = ? AND entity_id = ?"));
  for (const auto& [kind, id] : changed) {
    one.Reset();
    one.Bind(1, kind).Bind(2, id);
    ASSIGN_OR_RETURN(bool row, one.Step());
    RETURN_IF_ERROR(row ? PutTyped(db, kind, id, one.Text(0), one.Text(1), cancels)
                        : PutTyped(db, kind, id, "", std::nullopt, cancels));
  }
  return Status::Ok();
}

}  // namespace

Status SqliteIdentityStore::InTransaction(const std::function<Status()>& body) {
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db_));
  RETURN_IF_ERROR(body());
  return tx->Commit();
}

Status SqliteIdentityStore::IndexChanges() {
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db_));
  ASSIGN_OR_RETURN(Statement cursors, db_.Prepare("SELECT site_id, profiled_seq, last_seq FROM"
                                                  " store_cursors WHERE last_seq > profiled_seq"));
  using Todo = std::tuple<std::string, int64_t, int64_t>;
  ASSIGN_OR_RETURN(std::vector<Todo> todo, Rows<Todo>(cursors, [](const Statement& st) {
                     return Todo{st.Text(0), st.Int(1), st.Int(2)};
                   }));
  ASSIGN_OR_RETURN(Statement pending, db_.Prepare("SELECT count(*) FROM hub_typed_backfill"));
  ASSIGN_OR_RETURN(bool counted, pending.Step());
  const bool backfill = counted && pending.Int(0) > 0;
  pending.Reset();
  if (todo.empty() && !backfill) return Status::Ok();
  // A change that does not name its customer (a status update) belongs to
  // the one its entity was filed under.
  ASSIGN_OR_RETURN(
      Statement changed,
      db_.Prepare("SELECT c.entity, c.entity_id, coalesce(json_extract(c.fields,"
                  " '$.customer_id'), k.customer_id), CASE WHEN c.entity = 'vehicle' AND"
                  " json_type(c.fields, '$.mileage_km') = 'integer' THEN json_extract(c.fields,"
                  " '$.mileage_km') END, coalesce(c.business_time, c.recorded_at), c.seq,"
                  // 6: when a change that cancels a booking cancelled it (as AllCancelTimes).
                  " CASE WHEN c.entity = 'booking' AND json_extract(c.fields, '$.status') ="
                  " 'cancelled' THEN coalesce(json_extract(c.fields, '$.updated_at'),"
                  " c.business_time, c.recorded_at) END"
                  " FROM changes c LEFT JOIN"
                  " customer_children k ON k.entity = c.entity AND k.entity_id ="
                  " c.entity_id WHERE c.site_id = ? AND c.seq > ? AND c.seq <= ?"
                  " AND c.entity IN ('customer', 'vehicle', 'booking') ORDER BY c.seq"));
  ASSIGN_OR_RETURN(Statement file, db_.Prepare("INSERT INTO customer_children (entity, entity_id,"
                                               " customer_id) VALUES (?, ?, ?) ON CONFLICT"
                                               " (entity, entity_id) DO UPDATE SET customer_id ="
                                               " excluded.customer_id"));
  // A vehicle's odometer reading, typed (0012_campaigns.sql hub_mileage_readings).
  ASSIGN_OR_RETURN(Statement reading,
                   db_.Prepare("INSERT OR IGNORE INTO hub_mileage_readings (vehicle_id, at, site,"
                               " seq, km) VALUES (?, ?, ?, ?, ?)"));
  ASSIGN_OR_RETURN(Statement done, db_.Prepare("UPDATE store_cursors SET profiled_seq = ?"
                                               " WHERE site_id = ?"));
  std::set<std::string> records;
  std::set<std::pair<std::string, std::string>> typed;  // (entity, id): typed rows to refresh
  CancelTimes cancels;
  for (const auto& [site, from, to] : todo) {
    changed.Reset();
    changed.Bind(1, site).Bind(2, from).Bind(3, to);
    while (true) {
      ASSIGN_OR_RETURN(bool row, changed.Step());
      if (!row) break;
      typed.emplace(changed.Text(0), changed.Text(1));
      if (!changed.IsNull(6)) cancels.emplace(changed.Text(1), changed.Text(6));  // the first
      if (!changed.IsNull(3)) {
        reading.Reset();
        reading.Bind(1, changed.Text(1)).Bind(2, changed.Text(4)).Bind(3, site);
        reading.Bind(4, changed.Int(5)).Bind(5, changed.Int(3));
        RETURN_IF_ERROR(reading.Run());
      }
      if (changed.Text(0) == "customer") {
        records.insert(changed.Text(1));
        continue;
      }
      auto customer = changed.OptionalText(2);
      if (!customer) continue;
      records.insert(*customer);
      file.Reset();
      file.Bind(1, changed.Text(0)).Bind(2, changed.Text(1)).Bind(3, *customer);
      RETURN_IF_ERROR(file.Run());
    }
    done.Reset();
    done.Bind(1, to).Bind(2, site);
    RETURN_IF_ERROR(done.Run());
  }
  // A record not linked yet has no profile: resolution links it and marks it.
  ASSIGN_OR_RETURN(Statement mark, db_.Prepare("INSERT OR IGNORE INTO profile_dirty (unified_id)"
                                               " SELECT unified_id FROM identity_links WHERE"
                                               " record_id = ?"));
  for (const auto& record : records) {
    mark.Reset();
    mark.Bind(1, record);
    RETURN_IF_ERROR(mark.Run());
  }
  RETURN_IF_ERROR(RefreshTyped(db_, typed, cancels, backfill));
  return tx->Commit();
}

Result<ResolveMark> SqliteIdentityStore::CurrentMark() {
  // Every write of a customer or vehicle row counts one (the triggers of
  // 0021_identity_input_clock.sql): one row to read, however many customers.
  ResolveMark mark;
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT writes FROM identity_input_clock"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  mark.changes = row ? st.Int(0) : 0;
  ASSIGN_OR_RETURN(Statement r, db_.Prepare("SELECT count(*) FROM identity_rules"));
  ASSIGN_OR_RETURN(bool rrow, r.Step());
  mark.rules = rrow ? r.Int(0) : 0;
  return mark;
}

Result<std::optional<ResolveMark>> SqliteIdentityStore::ResolvedMark() {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT resolved_changes, resolved_rules FROM"
                                             " identity_state"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<ResolveMark>();
  return std::optional<ResolveMark>(ResolveMark{st.Int(0), st.Int(1)});
}

Result<int64_t> SqliteIdentityStore::Generation() {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT generation FROM identity_state"));
  ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : int64_t{0};
}

Result<LinkSnapshot> SqliteIdentityStore::LoadLinkInput() {
  ASSIGN_OR_RETURN(auto snapshot, Transaction::BeginRead(db_));
  LinkSnapshot out;
  ASSIGN_OR_RETURN(out.generation, Generation());
  LinkInput& in = out.input;
  ASSIGN_OR_RETURN(Statement customers,
                   db_.Prepare("SELECT entity_id, owner_site, json_extract(fields, '$.name'),"
                               " json_extract(fields, '$.member_id'), json_extract(fields,"
                               " '$.phones') FROM entities WHERE entity = 'customer'"
                               " ORDER BY entity_id"));
  ASSIGN_OR_RETURN(in.records, Rows<LinkRecord>(customers, [](const Statement& st) {
                     return LinkRecord{st.Text(0), st.Text(1), st.Text(2), st.OptionalText(3),
                                       PhonesOf(st.Text(4))};
                   }));
  ASSIGN_OR_RETURN(Statement vehicles,
                   db_.Prepare("SELECT entity_id, json_extract(fields, '$.customer_id'),"
                               " json_extract(fields, '$.plate'), json_extract(fields, '$.vin')"
                               " FROM entities WHERE entity = 'vehicle' ORDER BY entity_id"));
  ASSIGN_OR_RETURN(
      in.vehicles, Rows<LinkVehicle>(vehicles, [](const Statement& st) {
        return LinkVehicle{st.Text(0), st.Text(1), st.OptionalText(2), st.OptionalText(3)};
      }));
  ASSIGN_OR_RETURN(in.rules, Rules());
  ASSIGN_OR_RETURN(Statement apart, db_.Prepare("SELECT record_a, record_b FROM"
                                                " identity_dismissals"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, apart.Step());
    if (!row) break;
    in.kept_apart.emplace(apart.Text(0), apart.Text(1));
  }
  ASSIGN_OR_RETURN(Statement unified, db_.Prepare("SELECT unified_id, founder_record, created_at,"
                                                  " merged_into FROM unified_customers"));
  ASSIGN_OR_RETURN(in.unified, Rows<UnifiedRow>(unified, [](const Statement& st) {
                     return UnifiedRow{st.Text(0), st.Text(1), st.Text(2), st.OptionalText(3)};
                   }));
  ASSIGN_OR_RETURN(Statement links, db_.Prepare("SELECT record_id, unified_id FROM"
                                                " identity_links"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, links.Step());
    if (!row) break;
    in.links[links.Text(0)] = links.Text(1);
  }
  RETURN_IF_ERROR(snapshot->Commit());
  return out;
}

Result<bool> SqliteIdentityStore::WriteLinkPlan(const LinkPlan& plan, int64_t based_on,
                                                const ResolveMark& mark, const std::string& now,
                                                const SecretKeys* signer) {
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db_));
  ASSIGN_OR_RETURN(int64_t generation, Generation());
  if (generation != based_on) return false;  // rolled back: another plan came first
  ASSIGN_OR_RETURN(Statement mint, db_.Prepare("INSERT INTO unified_customers (unified_id,"
                                               " founder_record, created_at) VALUES (?, ?, ?)"));
  for (const auto& row : plan.minted) {
    mint.Reset();
    mint.Bind(1, row.unified_id).Bind(2, row.founder_record).Bind(3, row.created_at);
    RETURN_IF_ERROR(mint.Run());
  }
  ASSIGN_OR_RETURN(Statement redirect, db_.Prepare("UPDATE unified_customers SET merged_into = ?"
                                                   " WHERE unified_id = ?"));
  for (const auto& [id, target] : plan.redirects) {
    redirect.Reset();
    redirect.Bind(1, target).Bind(2, id);
    RETURN_IF_ERROR(redirect.Run());
  }
  ASSIGN_OR_RETURN(Statement dirty, db_.Prepare("INSERT OR IGNORE INTO profile_dirty (unified_id)"
                                                " VALUES (?)"));
  for (const auto& id : plan.dirty) {
    dirty.Reset();
    dirty.Bind(1, id);
    RETURN_IF_ERROR(dirty.Run());
  }
  ASSIGN_OR_RETURN(RecordLog records, RecordLog::Open(db_));  // links decide identity
  ASSIGN_OR_RETURN(Statement put, db_.Prepare("INSERT INTO identity_links (record_id, site_id,"
                                              " unified_id, linked_at) VALUES (?, ?, ?, ?)"
                                              " ON CONFLICT (record_id) DO UPDATE SET"
                                              " unified_id = excluded.unified_id,"
                                              " linked_at = excluded.linked_at"));
  for (const auto& link : plan.links) {
    put.Reset();
    put.Bind(1, link.record_id).Bind(2, link.site_id).Bind(3, link.unified_id).Bind(4, now);
    RETURN_IF_ERROR(put.Run());
    RETURN_IF_ERROR(records.Note("identity_links", {link.record_id}));
  }
  RETURN_IF_ERROR(db_.Exec("DELETE FROM identity_candidates"));
  ASSIGN_OR_RETURN(Statement cand, db_.Prepare("INSERT OR IGNORE INTO identity_candidates"
                                               " (record_a, record_b, key_kind, key_value)"
                                               " VALUES (?, ?, ?, ?)"));
  for (const auto& c : plan.candidates) {
    cand.Reset();
    cand.Bind(1, c.record_a).Bind(2, c.record_b).Bind(3, c.key_kind).Bind(4, c.key_value);
    RETURN_IF_ERROR(cand.Run());
  }
  RETURN_IF_ERROR(db_.Exec("DELETE FROM identity_keys"));
  ASSIGN_OR_RETURN(Statement key, db_.Prepare("INSERT OR IGNORE INTO identity_keys (key,"
                                              " record_id) VALUES (?, ?)"));
  for (const auto& [k, record] : plan.keys) {
    key.Reset();
    key.Bind(1, k).Bind(2, record);
    RETURN_IF_ERROR(key.Run());
  }
  ASSIGN_OR_RETURN(Statement state,
                   db_.Prepare("INSERT INTO identity_state (singleton, resolved_changes,"
                               " resolved_rules, resolved_at, generation) VALUES (1, ?, ?, ?, ?)"
                               " ON CONFLICT (singleton) DO UPDATE SET resolved_changes ="
                               " excluded.resolved_changes, resolved_rules ="
                               " excluded.resolved_rules, resolved_at = excluded.resolved_at,"
                               " generation = excluded.generation"));
  state.Bind(1, mark.changes).Bind(2, mark.rules).Bind(3, now).Bind(4, generation + 1);
  RETURN_IF_ERROR(state.Run());
  if (signer) RETURN_IF_ERROR(records.Seal(*signer));
  RETURN_IF_ERROR(tx->Commit());
  return true;
}

Result<std::optional<UnifiedRow>> SqliteIdentityStore::Unified(const std::string& unified_id) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT unified_id, founder_record, created_at,"
                                             " merged_into FROM unified_customers"
                                             " WHERE unified_id = ?"));
  st.Bind(1, unified_id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<UnifiedRow>();
  return std::optional<UnifiedRow>(
      UnifiedRow{st.Text(0), st.Text(1), st.Text(2), st.OptionalText(3)});
}

Result<std::optional<std::string>> SqliteIdentityStore::LinkOf(const std::string& record_id) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT unified_id FROM identity_links WHERE"
                                             " record_id = ?"));
  st.Bind(1, record_id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(st.Text(0));
}

Result<std::vector<std::string>> SqliteIdentityStore::RecordsStartingWith(const std::string& prefix,
                                                                          int limit) {
  ASSIGN_OR_RETURN(Statement st,
                   db_.Prepare("SELECT entity_id FROM entities WHERE entity = 'customer' AND"
                               " entity_id >= ?1 AND entity_id < ?1 || 'g' LIMIT ?2"));
  st.Bind(1, prefix).Bind(2, int64_t{limit});
  return st.TextColumn();
}

Result<std::vector<std::string>> SqliteIdentityStore::MembersOf(const std::string& unified_id) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT record_id FROM identity_links WHERE"
                                             " unified_id = ? ORDER BY record_id"));
  st.Bind(1, unified_id);
  return st.TextColumn();
}

Result<std::vector<std::string>> SqliteIdentityStore::UnifiedWithKey(const std::string& key) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT l.unified_id FROM identity_keys k JOIN"
                                             " identity_links l USING (record_id) WHERE"
                                             " k.key = ? ORDER BY k.record_id"));
  st.Bind(1, key);
  return st.TextColumn();
}

Result<std::vector<std::string>> SqliteIdentityStore::UnifiedWithNamePart(const std::string& part,
                                                                          int limit) {
  // Names starting with `part`: a range of hub_customers_name (UTF-8 sorts
  // by code point, and U+10FFFF after every character a name can go on with).
  ASSIGN_OR_RETURN(Statement starting,
                   db_.Prepare("SELECT DISTINCT l.unified_id FROM hub_customers c JOIN"
                               " identity_links l ON l.record_id = c.customer_id WHERE c.name >= ?1"
                               " AND c.name < ?1 || char(1114111) LIMIT ?2"));
  starting.Bind(1, part).Bind(2, int64_t{limit});
  ASSIGN_OR_RETURN(std::vector<std::string> found, starting.TextColumn());
  if (!found.empty()) return found;
  ASSIGN_OR_RETURN(Statement inside,
                   db_.Prepare("SELECT DISTINCT l.unified_id FROM hub_customers c JOIN"
                               " identity_links l ON l.record_id = c.customer_id WHERE"
                               " instr(c.name, ?) > 0 LIMIT ?"));
  inside.Bind(1, part).Bind(2, int64_t{limit});
  return inside.TextColumn();
}

Result<std::optional<CustomerEntity>> SqliteIdentityStore::Customer(const std::string& record_id) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT owner_site, fields, field_hlcs, base_hlc"
                                             " FROM entities WHERE entity = 'customer' AND"
                                             " entity_id = ?"));
  st.Bind(1, record_id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<CustomerEntity>();
  return std::optional<CustomerEntity>(
      CustomerEntity{st.Text(0), st.Text(1), st.Text(2), st.Int(3)});
}

Result<std::vector<ChildEntity>> SqliteIdentityStore::ChildrenOf(const std::string& record_id) {
  ASSIGN_OR_RETURN(Statement st,
                   db_.Prepare("SELECT e.entity, e.entity_id, e.owner_site, e.fields FROM"
                               " customer_children k JOIN entities e ON e.entity = k.entity"
                               " AND e.entity_id = k.entity_id WHERE k.customer_id = ?"));
  st.Bind(1, record_id);
  return Rows<ChildEntity>(st, [](const Statement& row) {
    return ChildEntity{row.Text(0), row.Text(1), row.Text(2), row.Text(3)};
  });
}

Result<std::vector<IdentityRule>> SqliteIdentityStore::Rules() {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT id, kind, record_a, record_b, staff, note,"
                                             " at FROM identity_rules ORDER BY id"));
  return Rows<IdentityRule>(st, [](const Statement& row) {
    return IdentityRule{row.Int(0),  row.Text(1), row.Text(2), row.OptionalText(3),
                        row.Text(4), row.Text(5), row.Text(6)};
  });
}

Result<std::vector<LinkCandidate>> SqliteIdentityStore::Candidates(
    const std::optional<std::string>& record_id) {
  auto read = [](const Statement& row) {
    return LinkCandidate{row.Text(0), row.Text(1), row.Text(2), row.Text(3)};
  };
  if (!record_id) {
    ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT record_a, record_b, key_kind, key_value"
                                               " FROM identity_candidates ORDER BY record_a,"
                                               " record_b"));
    return Rows<LinkCandidate>(st, read);
  }
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT record_a, record_b, key_kind, key_value FROM"
                                             " identity_candidates WHERE record_a = ?1 OR"
                                             " record_b = ?1"));
  st.Bind(1, *record_id);
  return Rows<LinkCandidate>(st, read);
}

Status SqliteIdentityStore::RecordDecision(Statement& insert, const std::string& table,
                                           const std::vector<std::string>& key,
                                           const SecretKeys* signer) {
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db_));
  RETURN_IF_ERROR(insert.Run());
  if (db_.RowsChanged() == 0) return Status::Ok();  // kept apart already: nothing new
  ASSIGN_OR_RETURN(RecordLog records, RecordLog::Open(db_));
  // A rule's key is its id, known only once inserted.
  RETURN_IF_ERROR(records.Note(
      table, key.empty() ? std::vector<std::string>{std::to_string(db_.LastInsertRowId())} : key));
  if (signer) RETURN_IF_ERROR(records.Seal(*signer));
  return tx->Commit();
}

Status SqliteIdentityStore::AddRule(const IdentityRule& rule, const SecretKeys* signer) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("INSERT INTO identity_rules (kind, record_a, record_b,"
                                             " staff, note, at) VALUES (?, ?, ?, ?, ?, ?)"));
  st.Bind(1, rule.kind)
      .Bind(2, rule.record_a)
      .Bind(3, rule.record_b)
      .Bind(4, rule.staff)
      .Bind(5, rule.note)
      .Bind(6, rule.at);
  return RecordDecision(st, "identity_rules", {}, signer);
}

Status SqliteIdentityStore::KeepApart(const std::string& record_a, const std::string& record_b,
                                      const std::string& staff, const std::string& note,
                                      const std::string& at, const SecretKeys* signer) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("INSERT INTO identity_dismissals (record_a, record_b,"
                                             " staff, note, at) VALUES (?, ?, ?, ?, ?) ON"
                                             " CONFLICT DO NOTHING"));
  st.Bind(1, record_a).Bind(2, record_b).Bind(3, staff).Bind(4, note).Bind(5, at);
  return RecordDecision(st, "identity_dismissals", {record_a, record_b}, signer);
}

Result<std::vector<std::string>> SqliteIdentityStore::DirtyProfiles() {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT unified_id FROM profile_dirty"));
  return st.TextColumn();
}

Status SqliteIdentityStore::ClearDirtyProfiles() { return db_.Exec("DELETE FROM profile_dirty"); }

Status SqliteIdentityStore::MarkProfilesDirty(const std::vector<std::string>& unified_ids) {
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db_));
  ASSIGN_OR_RETURN(Statement mark, db_.Prepare("INSERT OR IGNORE INTO profile_dirty (unified_id)"
                                               " VALUES (?)"));
  for (const auto& id : unified_ids) {
    mark.Reset();
    mark.Bind(1, id);
    RETURN_IF_ERROR(mark.Run());
  }
  return tx->Commit();
}

Result<std::map<std::string, std::string>> SqliteIdentityStore::ProfileDigests(
    const std::string& unified_id) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT site_id, digest FROM store_profiles WHERE"
                                             " unified_id = ? AND profile IS NOT NULL"));
  st.Bind(1, unified_id);
  std::map<std::string, std::string> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out[st.Text(0)] = st.Blob(1);
  }
  return out;
}

Result<std::optional<int64_t>> SqliteIdentityStore::NextProfileSeq(const std::string& site) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("UPDATE store_cursors SET profile_seq ="
                                             " profile_seq + 1 WHERE site_id = ?"
                                             " RETURNING profile_seq"));
  st.Bind(1, site);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<int64_t>();  // not a store on the allow-list (any more)
  const int64_t seq = st.Int(0);
  RETURN_IF_ERROR(st.Run());
  return std::optional<int64_t>(seq);
}

Status SqliteIdentityStore::PutProfile(const std::string& site, const std::string& unified_id,
                                       int64_t seq, const std::optional<std::string>& digest,
                                       const std::optional<std::string>& profile) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("INSERT INTO store_profiles (site_id, unified_id,"
                                             " seq, digest, profile) VALUES (?, ?, ?, ?, ?)"
                                             " ON CONFLICT (site_id, unified_id) DO UPDATE SET"
                                             " seq = excluded.seq, digest = excluded.digest,"
                                             " profile = excluded.profile"));
  st.Bind(1, site).Bind(2, unified_id).Bind(3, seq);
  if (digest) {
    st.BindBlob(4, digest->data(), digest->size());
  } else {
    st.BindNull(4);
  }
  st.Bind(5, profile);
  return st.Run();
}

Result<int64_t> SqliteIdentityStore::ProfileSeqGivenOut(const std::string& site) {
  ASSIGN_OR_RETURN(Statement st, db_.Prepare("SELECT profile_seq FROM store_cursors"
                                             " WHERE site_id = ?"));
  st.Bind(1, site);
  ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

Status SqliteIdentityStore::RenumberProfiles(const std::string& site, int64_t by) {
  // Both move or neither: the next seq given out must stay above every
  // numbered profile.
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db_));
  ASSIGN_OR_RETURN(Statement renumber,
                   db_.Prepare("UPDATE store_profiles SET seq = seq + ? WHERE site_id = ?"));
  renumber.Bind(1, by).Bind(2, site);
  RETURN_IF_ERROR(renumber.Run());
  ASSIGN_OR_RETURN(Statement bump, db_.Prepare("UPDATE store_cursors SET profile_seq ="
                                               " profile_seq + ? WHERE site_id = ?"));
  bump.Bind(1, by).Bind(2, site);
  RETURN_IF_ERROR(bump.Run());
  return tx->Commit();
}

Status SqliteIdentityStore::NoteProfilesHeld(const std::string& site, int64_t held_seq) {
  ASSIGN_OR_RETURN(Statement held, db_.Prepare("UPDATE store_cursors SET applied_profile_seq ="
                                               " min(?1, profile_seq) WHERE site_id = ?2 AND"
                                               " applied_profile_seq != min(?1, profile_seq)"));
  held.Bind(1, held_seq).Bind(2, site);
  return held.Run();
}

Result<std::vector<ProfileVersion>> SqliteIdentityStore::ProfilesAfter(const std::string& site,
                                                                       int64_t held_seq,
                                                                       int limit) {
  ASSIGN_OR_RETURN(Statement st,
                   db_.Prepare("SELECT seq, unified_id, profile FROM store_profiles"
                               " WHERE site_id = ? AND seq > ? ORDER BY seq LIMIT ?"));
  st.Bind(1, site).Bind(2, held_seq).Bind(3, int64_t{limit});
  return Rows<ProfileVersion>(st, [](const Statement& row) {
    return ProfileVersion{row.Int(0), row.Text(1), row.OptionalText(2)};
  });
}

Status SqliteIdentityStore::LogLookup(const std::string& at, const std::string& site,
                                      const std::string& staff, const std::string& phone_hash,
                                      int64_t found) {
  ASSIGN_OR_RETURN(Statement log, db_.Prepare("INSERT INTO lookup_log (at, site_id, staff,"
                                              " phone_hash, found) VALUES (?, ?, ?, ?, ?)"));
  log.Bind(1, at).Bind(2, site).Bind(3, staff).Bind(4, phone_hash).Bind(5, found);
  return log.Run();
}

}  // namespace outpost::hub::storage::sqlite
