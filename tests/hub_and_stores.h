// A real hub and real stores in one process, each store driven by its real
// sync steps (SyncClient without its socket) and sealed envelopes both ways:
// the fixture of the profile and head-office tests.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "edge/store.h"
#include "edge/sync_client.h"
#include "hub/hub.h"
#include "sync/testing.h"

namespace outpost::testing {

class HubAndStores : public ::testing::Test {
 protected:
  // Opens the hub and a store per site ("Store S1", ...), all allow-listed.
  void OpenSites(const std::vector<std::string>& sites) {
    hub_ = hub::Hub::Open(dir_.File("hub.db"), hub_keys_, clock_).value();
    for (const auto& site : sites) {
      edge::StoreSettings settings;
      settings.store_id = site;
      settings.name = "Store " + site;
      stores_[site] = edge::Store::Create(dir_.File(site + ".db"), settings, clock_).value();
      keys_.emplace(site, SecretKeys::Generate(site));
      ASSERT_TRUE(hub_->AllowStore(keys_.at(site).pub).ok());
      clients_[site] = edge::SyncClient::CreateWithoutTransport(dir_.File(site + ".db"),
                                                                keys_.at(site), hub_keys_.pub,
                                                                clock_)
                           .value();
    }
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

  TempDir dir_;
  FixedClock clock_{ParseUtcMs("2026-11-23T01:00:00Z").value()};  // 09:00 in Shanghai
  SecretKeys hub_keys_ = SecretKeys::Generate("HUB");
  std::map<std::string, SecretKeys> keys_;
  std::map<std::string, std::unique_ptr<edge::Store>> stores_;
  std::map<std::string, std::unique_ptr<edge::SyncClient>> clients_;
  std::unique_ptr<hub::Hub> hub_;
};

}  // namespace outpost::testing
