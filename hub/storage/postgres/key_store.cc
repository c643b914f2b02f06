#include "hub/storage/postgres/parts.h"
#include "sync/i18n/messages.h"

namespace outpost::hub::storage::postgres {

Result<PublicKeys> ReadStoreKeys(PgConnection& db, const std::string& site) {
  ASSIGN_OR_RETURN(PgStatement st,
                   db.Prepare("SELECT sign_pk, kx_pk FROM stores WHERE site_id = ?"));
  st.Bind(1, site);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row)
    return Status::NotFound("store '" + site + "' is not on the hub's allow-list")
        .WithShown(i18n::Format("store '{0}' is not on the hub's allow-list", {site}));
  PublicKeys keys;
  keys.site_id = site;
  keys.sign_pk = ToBytes<32>(st.Blob(0));
  keys.kx_pk = ToBytes<32>(st.Blob(1));
  return keys;
}

Result<std::optional<KeyDenial>> ReadLiveKeyDenial(PgConnection& db, const std::string& site) {
  ASSIGN_OR_RETURN(PgStatement st,
                   db.Prepare("SELECT h.key_id, h.denied_at, h.denied_by, h.denied_reason FROM"
                              " stores s JOIN store_key_history h ON h.site_id = s.site_id AND"
                              " h.key_id = s.key_id WHERE s.site_id = ? AND"
                              " h.denied_at IS NOT NULL"));
  st.Bind(1, site);
  ASSIGN_OR_RETURN(bool denied, st.Step());
  if (!denied) return std::optional<KeyDenial>();
  KeyDenial denial{st.Text(0), st.Text(1), st.Text(2), st.Text(3)};
  st.Reset();
  return std::optional<KeyDenial>(std::move(denial));
}

Result<PublicKeys> PgKeyReader::StoreKeys(const std::string& site) {
  return ReadStoreKeys(*db_, site);
}

Result<std::optional<KeyDenial>> PgKeyReader::LiveKeyDenial(const std::string& site) {
  return ReadLiveKeyDenial(*db_, site);
}

Result<PublicKeys> PgKeyStore::StoreKeys(const std::string& site) {
  return ReadStoreKeys(db_, site);
}

Result<std::optional<KeyDenial>> PgKeyStore::LiveKeyDenial(const std::string& site) {
  return ReadLiveKeyDenial(db_, site);
}

Result<std::vector<std::string>> PgKeyStore::AllowedSites() {
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare("SELECT site_id FROM stores ORDER BY site_id COLLATE \"C\""));
  return st.TextColumn();
}

Result<std::optional<KeyDenial>> PgKeyStore::AllowKey(const PublicKeys& store,
                                                      const std::string& at) {
  ASSIGN_OR_RETURN(const SecretKeys* signer, Signer(signer_));
  const std::string key_id = store.KeyId();
  ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db_));
  ASSIGN_OR_RETURN(PgStatement denied,
                   db_.Prepare("SELECT denied_at, denied_by, denied_reason FROM store_key_history"
                               " WHERE site_id = ? AND key_id = ? AND denied_at IS NOT NULL"));
  denied.Bind(1, store.site_id).Bind(2, key_id);
  ASSIGN_OR_RETURN(bool was_denied, denied.Step());
  if (was_denied) {
    KeyDenial denial{key_id, denied.Text(0), denied.Text(1), denied.Text(2)};
    denied.Reset();
    return std::optional<KeyDenial>(std::move(denial));
  }
  denied.Reset();
  ASSIGN_OR_RETURN(PgStatement st,
                   db_.Prepare("INSERT INTO stores (site_id, sign_pk, kx_pk, key_id, added_at)"
                               " VALUES (?, ?, ?, ?, ?) ON CONFLICT (site_id) DO UPDATE SET"
                               " sign_pk = excluded.sign_pk, kx_pk = excluded.kx_pk,"
                               " key_id = excluded.key_id"));
  st.Bind(1, store.site_id)
      .BindBlob(2, store.sign_pk)
      .BindBlob(3, store.kx_pk)
      .Bind(4, key_id)
      .Bind(5, at);
  RETURN_IF_ERROR(st.Run());
  ASSIGN_OR_RETURN(PgStatement cursor,
                   db_.Prepare("INSERT INTO store_cursors (site_id, last_seq, last_hash)"
                               " VALUES (?, 0, ?) ON CONFLICT (site_id) DO NOTHING"));
  cursor.Bind(1, store.site_id).BindBlob(2, Hash256{});
  RETURN_IF_ERROR(cursor.Run());
  ASSIGN_OR_RETURN(PgStatement history,
                   db_.Prepare("INSERT INTO store_key_history (site_id, key_id, sign_pk, kx_pk,"
                               " added_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"));
  history.Bind(1, store.site_id)
      .Bind(2, key_id)
      .BindBlob(3, store.sign_pk)
      .BindBlob(4, store.kx_pk)
      .Bind(5, at);
  RETURN_IF_ERROR(history.Run());
  RETURN_IF_ERROR(NoteRecord(db_, *signer, "store_key_history", {store.site_id, key_id}));
  RETURN_IF_ERROR(tx->Commit());
  return std::optional<KeyDenial>();
}

Result<std::optional<KeyDenial>> PgKeyStore::DenyLiveKey(const std::string& site,
                                                         const std::string& at,
                                                         const std::string& staff,
                                                         const std::string& reason) {
  ASSIGN_OR_RETURN(const SecretKeys* signer, Signer(signer_));
  ASSIGN_OR_RETURN(auto tx, PgTransaction::Begin(db_));
  ASSIGN_OR_RETURN(PgStatement current, db_.Prepare("SELECT key_id FROM stores WHERE site_id = ?"));
  current.Bind(1, site);
  ASSIGN_OR_RETURN(bool known, current.Step());
  if (!known)
    return Status::NotFound("store: '" + site + "' is not on the hub's allow-list")
        .WithShown(i18n::Format("store: '{0}' is not on the hub's allow-list", {site}));
  const std::string key_id = current.Text(0);
  current.Reset();
  ASSIGN_OR_RETURN(std::optional<KeyDenial> earlier, ReadLiveKeyDenial(db_, site));
  if (earlier) return earlier;
  ASSIGN_OR_RETURN(PgStatement deny,
                   db_.Prepare("UPDATE store_key_history SET denied_at = ?, denied_by = ?,"
                               " denied_reason = ? WHERE site_id = ? AND key_id = ?"));
  deny.Bind(1, at).Bind(2, staff).Bind(3, reason).Bind(4, site).Bind(5, key_id);
  RETURN_IF_ERROR(deny.Run());
  if (deny.RowsChanged() != 1) {
    return Status::Corruption("store_key_history: no row for key " + key_id + " of '" + site + "'")
        .WithShown(i18n::Format("store_key_history: no row for key {0} of '{1}'", {key_id, site}));
  }
  RETURN_IF_ERROR(NoteRecord(db_, *signer, "store_key_history", {site, key_id}));
  RETURN_IF_ERROR(tx->Commit());
  return std::optional<KeyDenial>();
}

}  // namespace outpost::hub::storage::postgres
