#include "sync/transport.h"

#include <gtest/gtest.h>

#include <thread>

#include "sync/testing.h"

namespace outpost {
namespace {

// A port the kernel says is free, so parallel ctest runs do not collide.
std::string Endpoint(int) { return testing::FreeTcpEndpoint(); }

// Sends until the hub receives the message (ZeroMQ connecting, or
// connecting again, meanwhile), at most about 10 s.
std::optional<Request> SendUntilReceived(StoreEndpoint& client, HubEndpoint& server,
                                         const std::string& payload) {
  std::optional<Request> request;
  for (int i = 0; i < 100 && !request; ++i) {
    (void)client.Send(payload);
    request = server.Receive(100).value();
  }
  return request;
}

TEST(TransportTest, AnAllowListedStoreTalksToTheHubOverCurve) {
  SecretKeys hub = SecretKeys::Generate("HUB");
  SecretKeys store = SecretKeys::Generate("S1");
  auto allow = [&](const std::array<uint8_t, 32>& key) { return key == store.pub.kx_pk; };
  const std::string endpoint = Endpoint(0);
  auto server = HubEndpoint::Bind(endpoint, hub, allow).value();
  auto client = StoreEndpoint::Connect(endpoint, store, hub.pub).value();
  // Sending is refused until connected (immediate mode).
  std::optional<Request> request = SendUntilReceived(*client, *server, "hello hub");
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->payload, "hello hub");
  ASSERT_TRUE(server->Reply(*request, "hello store").ok());
  std::optional<std::string> reply;
  for (int i = 0; i < 50 && !reply; ++i) reply = client->Receive(100).value();
  EXPECT_EQ(reply, "hello store");
  EXPECT_EQ(client->Link().state, LinkState::kConnected);
  EXPECT_EQ(client->Link().text, "connected to " + endpoint);
}

// Sends until the link leaves kConnecting (the hub answering ZAP meanwhile,
// if there is one), at most about 3 s.
LinkReport WaitForLinkTrouble(StoreEndpoint& client, HubEndpoint* server) {
  for (int i = 0; i < 60; ++i) {
    (void)client.Send("let me in");
    if (server) {
      EXPECT_FALSE(server->Receive(50).value().has_value());
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    LinkReport link = client.Link();
    if (link.state != LinkState::kConnecting) return link;
  }
  return client.Link();
}

TEST(TransportTest, ADeadPortIsToldApartFromARefusal) {
  SecretKeys hub = SecretKeys::Generate("HUB");
  SecretKeys store = SecretKeys::Generate("S1");
  const std::string endpoint = Endpoint(3);  // nothing bound there
  auto client = StoreEndpoint::Connect(endpoint, store, hub.pub).value();
  EXPECT_EQ(client->Send("anyone?").code(), StatusCode::kRetryLater);
  LinkReport link = WaitForLinkTrouble(*client, nullptr);
  EXPECT_EQ(link.state, LinkState::kNothingListening) << link.text;
  EXPECT_EQ(link.text, "nothing listening at " + endpoint + " (or the network does not reach it)");
}

// Refused, the store is told so and asks again (backing off), so that once
// head office allows its key it connects without a restart of its sync.
TEST(TransportTest, AStoreKeyNotOnTheAllowListGetsNoMessageThroughUntilAllowed) {
  SecretKeys hub = SecretKeys::Generate("HUB");
  SecretKeys stranger = SecretKeys::Generate("S9");
  const std::string endpoint = Endpoint(1);
  bool allowed = false;
  auto server = HubEndpoint::Bind(endpoint, hub, [&](const std::array<uint8_t, 32>&) {
                  return allowed;
                }).value();
  auto client = StoreEndpoint::Connect(endpoint, stranger, hub.pub).value();
  std::vector<std::string> refusals;
  for (int i = 0; i < 20; ++i) {
    (void)client->Send("let me in");
    EXPECT_FALSE(server->Receive(50).value().has_value());
    for (auto& r : server->TakeRefusals()) {
      EXPECT_FALSE(r.unchecked) << r.reason;
      refusals.push_back(r.reason);
    }
  }
  ASSERT_FALSE(refusals.empty());
  EXPECT_NE(refusals[0].find("not on the allow-list"), std::string::npos);
  // The store is told: ZeroMQ reports the hub's ZAP refusal (status 400).
  LinkReport link = WaitForLinkTrouble(*client, server.get());
  EXPECT_EQ(link.state, LinkState::kKeyRefused) << link.text;
  EXPECT_EQ(link.text, "hub refused this store's key (not on the allow-list, or denied)");

  allowed = true;  // `outpost-hub allow S9.pub`
  std::optional<Request> request = SendUntilReceived(*client, *server, "let me in now");
  ASSERT_TRUE(request.has_value()) << client->Link().text;
  EXPECT_EQ(request->payload, "let me in now");
  EXPECT_EQ(client->Link().state, LinkState::kConnected);
}

// The hub that cannot read its allow-list (its database away) neither lets
// the store in nor refuses it: ZAP's 500, "internal error". The store is told
// the hub could not check its key (not that it was refused, nor that it pins
// the wrong hub key) and, once the hub can read its list again, gets through
// on ZeroMQ's own reconnect. The hub notes the failure apart from refusals.
TEST(TransportTest, AKeyTheHubCannotCheckIsNoRefusal) {
  SecretKeys hub = SecretKeys::Generate("HUB");
  SecretKeys store = SecretKeys::Generate("S1");
  const std::string endpoint = Endpoint(4);
  bool database_away = true;
  auto server =
      HubEndpoint::Bind(endpoint, hub, [&](const std::array<uint8_t, 32>& key) -> Result<bool> {
        if (database_away) {
          return Status::IoError("cannot connect to the PostgreSQL database");
        }
        return key == store.pub.kx_pk;
      }).value();
  auto client = StoreEndpoint::Connect(endpoint, store, hub.pub).value();
  LinkReport link = WaitForLinkTrouble(*client, server.get());
  EXPECT_EQ(link.state, LinkState::kHubCannotCheck) << link.text;
  EXPECT_EQ(link.text, "hub at " + endpoint +
                           " could not check this store's key (its own failure, e.g. head "
                           "office's database); trying again");
  std::vector<HubEndpoint::ZapRefusal> refusals = server->TakeRefusals();
  ASSERT_FALSE(refusals.empty());
  for (const auto& r : refusals) {
    EXPECT_TRUE(r.unchecked) << r.reason;
    EXPECT_NE(r.reason.find("could not be checked: i/o error: cannot connect"), std::string::npos)
        << r.reason;
  }

  database_away = false;  // the database is back: the same client gets through
  std::optional<Request> request = SendUntilReceived(*client, *server, "hello again");
  ASSERT_TRUE(request.has_value()) << client->Link().text;
  EXPECT_EQ(request->payload, "hello again");
  EXPECT_EQ(client->Link().state, LinkState::kConnected);
  for (const auto& r : server->TakeRefusals()) EXPECT_TRUE(r.unchecked) << r.reason;
}

TEST(TransportTest, AClientPinningTheWrongHubKeyCannotConnect) {
  SecretKeys hub = SecretKeys::Generate("HUB");
  SecretKeys fake_hub = SecretKeys::Generate("HUB");
  SecretKeys store = SecretKeys::Generate("S1");
  const std::string endpoint = Endpoint(2);
  auto server =
      HubEndpoint::Bind(endpoint, hub, [](const std::array<uint8_t, 32>&) { return true; }).value();
  auto client = StoreEndpoint::Connect(endpoint, store, fake_hub.pub).value();
  for (int i = 0; i < 20; ++i) {
    (void)client->Send("x");
    EXPECT_FALSE(server->Receive(50).value().has_value());
  }
  // ZeroMQ 4.3 tells the client only that the hub closed the connection during
  // the handshake (HANDSHAKE_FAILED_NO_DETAIL): the hub could not open a HELLO
  // sealed to another key. The message says what that most likely means.
  LinkReport link = WaitForLinkTrouble(*client, server.get());
  EXPECT_EQ(link.state, LinkState::kHandshakeBroken) << link.text;
  EXPECT_EQ(link.text, "hub at " + endpoint +
                           " broke off the encrypted handshake: its key is not the one this "
                           "store pins (wrong --hub-key?), or it is not an Outpost hub");
}

}  // namespace
}  // namespace outpost
