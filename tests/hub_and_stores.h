// A real hub and real stores in one process, each store driven by its real
// sync steps (SyncClient without its socket) and sealed envelopes both ways:
// the fixture of the identity, profile, head-office and sync-window tests.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "edge/store.h"
#include "edge/sync_client.h"
#include "hub/hub.h"
#include "hub/queries/requests.h"
#include "hub/queries/stores.h"
#include "sync/testing.h"
#include "tests/hub_db.h"

namespace outpost::testing {

// What else a visit brings (HubAndStores::Visit).
struct VisitDetails {
  std::string plate;
  std::string member_id;
  std::string time = "10:00";
};

class HubAndStores : public ::testing::Test {
 protected:
  // Opens the hub and a store per site ("Store S1", ...), all allow-listed.
  void OpenSites(const std::vector<std::string>& sites) {
    hub_ = hub::Hub::Create(HubDb(), hub_keys_, clock_).value();
    for (const auto& site : sites) {
      edge::StoreSettings settings;
      settings.store_id = site;
      settings.name = "Store " + site;
      stores_[site] = edge::Store::Create(dir_.File(site + ".db"), settings, clock_).value();
      keys_.emplace(site, SecretKeys::Generate(site));
      ASSERT_TRUE(hub_->AllowStore(keys_.at(site).pub).ok());
      clients_[site] = edge::SyncClient::CreateWithoutTransport(
                           dir_.File(site + ".db"), keys_.at(site), hub_keys_.pub, clock_)
                           .value();
    }
  }

  // Where the hub lives: hub.db in the test's folder, or a database of its
  // own on PostgreSQL (tests/hub_file.h HubLocation).
  std::string HubDb() { return HubLocation(dir_.File("hub.db")); }

  // The hub's file on the test's own read-only connection, to check what the
  // SQLite backend wrote (tests/hub_file.h). SQLite only: a test calling it
  // skips itself on PostgreSQL first (HubOnPostgres).
  Db& HubFile() {
    if (HubOnPostgres()) {
      ADD_FAILURE() << "HubFile() reads the SQLite file; the hub is on PostgreSQL";
      std::abort();
    }
    if (!hub_file_) hub_file_ = OpenHubFileReadOnly(dir_.File("hub.db"));
    return *hub_file_;
  }

  // A customer at `site` (a phone another customer has is allowed) with a
  // booking on 2026-11-24: returns the store's record id.
  std::string Visit(const std::string& site, const std::string& name, const std::string& phone,
                    const VisitDetails& more = {}) {
    edge::BookingRequest r;
    r.customer = phone;
    edge::NewCustomer c{name, {phone}};
    c.member_id = more.member_id;
    c.allow_shared_phone = true;
    r.create_customer = c;
    r.vehicle.plate = more.plate;
    r.date = "2026-11-24";
    r.time = more.time;
    r.staff = "SA";
    auto b = stores_[site]->Book(r);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.ok() ? b->customer_id : "";
  }

  // One round of the store's real sync steps; returns the sealed answer.
  std::string Round(const std::string& site) {
    auto message = clients_[site]->NextMessage();
    EXPECT_TRUE(message.ok()) << message.status().ToString();
    auto answer = hub_->Handle(message.value());
    EXPECT_TRUE(answer.ok()) << answer.status().ToString();
    auto sealed = hub_->SealReply(answer.value(), site);
    EXPECT_TRUE(sealed.ok());
    auto handled = clients_[site]->HandleReply(sealed.value());
    EXPECT_TRUE(handled.ok() && handled.value()) << handled.status().ToString();
    return sealed.value();
  }

  // Fills `site`'s 10:00 slot on 2026-11-24 (two places) at the desk, then a
  // call-centre promise asked later overfills it: the store opens a case.
  void OverfillSlot(const std::string& site) {
    for (const char* phone : {"13800138001", "13800138002", "13800138003"}) {
      edge::BookingRequest r;
      r.customer = phone;
      r.create_customer = edge::NewCustomer{std::string("C") + phone, {phone}};
      r.date = "2026-11-24";
      r.time = "10:00";
      r.staff = "SA";
      r.channel = "call-centre";
      r.promised = std::string(phone) == "13800138003";
      r.requested_at = "2026-11-23T01:00:00Z";
      r.source = "test";
      const Status booked =
          r.promised ? stores_[site]->BookPromised(r).status() : stores_[site]->Book(r).status();
      ASSERT_TRUE(booked.ok()) << booked.ToString();
    }
  }

  // The fields of the hub's row of `entity` `entity_id` (the first of that
  // entity when `entity_id` is ""), read on both backends; null when none.
  nlohmann::json HubEntityFields(const std::string& entity, const std::string& entity_id = "") {
    std::string sql = "SELECT fields FROM entities WHERE entity = " + SqlLiteral(entity);
    if (!entity_id.empty()) sql += " AND entity_id = " + SqlLiteral(entity_id);
    const std::string fields = HubQueryValue(HubDb(), sql + " ORDER BY entity_id LIMIT 1");
    return fields.empty() ? nlohmann::json() : nlohmann::json::parse(fields, nullptr, false);
  }
  // Rows in `table` of the hub's database.
  int64_t HubCount(const std::string& table) { return HubRowCount(HubDb(), table); }

  // What the hub's read layer says of every store, and of `site`'s requests.
  std::vector<hub::queries::StoreState> StoresAtHub() {
    auto stores = hub::queries::ListStores(hub::queries::HubReader(*hub_));
    EXPECT_TRUE(stores.ok()) << stores.status().ToString();
    return stores.ok() ? stores.value() : std::vector<hub::queries::StoreState>();
  }
  std::vector<hub::queries::RequestOutcome> RequestsAtHub(const std::string& site) {
    auto requests = hub::queries::ListRequests(hub::queries::HubReader(*hub_), site);
    EXPECT_TRUE(requests.ok()) << requests.status().ToString();
    return requests.ok() ? requests.value() : std::vector<hub::queries::RequestOutcome>();
  }

  TempDir dir_;
  FixedClock clock_{ParseUtcMs("2026-11-23T01:00:00Z").value()};  // 09:00 in Shanghai
  SecretKeys hub_keys_ = SecretKeys::Generate("HUB");
  std::map<std::string, SecretKeys> keys_;
  std::map<std::string, std::unique_ptr<edge::Store>> stores_;
  std::map<std::string, std::unique_ptr<edge::SyncClient>> clients_;
  std::unique_ptr<hub::Hub> hub_;
  std::unique_ptr<Db> hub_file_;  // HubFile(): the test's own look at the hub's file
};

}  // namespace outpost::testing
