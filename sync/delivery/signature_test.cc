// SignBody and VerifySignature against vectors computed offline with
// `printf '%s' BODY | openssl dgst -sha256 -hmac SECRET`.
#include <gtest/gtest.h>

#include <string>

#include "sync/clock.h"
#include "sync/delivery/webhook.h"

namespace outpost::delivery {
namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef";
const std::string kBody =
    R"({"message_id":"m-1","idempotency_key":"k-1","store_id":"S1","channel":"sms",)"
    R"("to":"+8613812345678","text":"hi","sent_at":"2026-11-23T15:22:25.000Z"})";
const std::string kBodySignature =
    "sha256=b798985c28d193436889394aefe4368195ccd61644425f373e2db781edea66eb";

TEST(SignBody, MatchesOpensslVectors) {
  EXPECT_EQ(SignBody(kSecret, kBody), kBodySignature);
  EXPECT_EQ(SignBody("key", "hello"),
            "sha256=9307b3b915efb5171ff14d8cb55fbcc798c6c0ef1456d66ded1a6aa723a58b7b");
  EXPECT_EQ(SignBody(kSecret, ""),
            "sha256=796cd3078af14636753d26b3b5555422ff55a3e261cf847b48e95371b9bd0aa2");
  // A key longer than the hash's block (64 bytes) is hashed first, as RFC 2104 says.
  EXPECT_EQ(SignBody(std::string(100, 'k'), "The quick brown fox jumps over the lazy dog"),
            "sha256=d545ebc800857f4b734cbdc38712fe226d36a8ac3469cad63650e5bc872cd76d");
}

TEST(VerifySignature, AcceptsTheInboundExampleOfTheProtocolDocument) {
  // docs/OUTREACH.md, "Inbound replies".
  EXPECT_TRUE(VerifySignature(
                  "6f1d0c2b9a8e7d6c5b4a39281706f5e4",
                  R"({"from":"+8613800000001","text":"TD","received_at":"2026-11-23T15:22:25Z",)"
                  R"("gateway_message_id":"in-1"})",
                  "sha256=37fadc0ddf912955fdddf1445ae9b8269ef983d89d7b239b5de6de71333a8076")
                  .ok());
}

TEST(MessageBody, IsTheDocumentedBytes) {
  OutboundMessage m{"m-1", "k-1", "S1", "sms", "+8613812345678", "hi"};
  Result<int64_t> at = ParseUtcMs("2026-11-23T15:22:25Z");
  ASSERT_TRUE(at.ok());
  EXPECT_EQ(MessageBody(m, *at), kBody);
  EXPECT_EQ(SignBody(kSecret, MessageBody(m, *at)), kBodySignature);
}

TEST(VerifySignature, AcceptsTheRightOneOnly) {
  EXPECT_TRUE(VerifySignature(kSecret, kBody, kBodySignature).ok());

  Status wrong_secret = VerifySignature("another secret of some length", kBody, kBodySignature);
  EXPECT_EQ(wrong_secret.code(), StatusCode::kInvalidInput);
  EXPECT_EQ(wrong_secret.field(), "X-Outpost-Signature");
  EXPECT_NE(wrong_secret.message().find("does not match the body"), std::string::npos)
      << wrong_secret.message();

  std::string changed = kBody;
  changed[changed.find("hi")] = 'H';
  EXPECT_FALSE(VerifySignature(kSecret, changed, kBodySignature).ok());
}

TEST(VerifySignature, NamesAMalformedHeader) {
  Status missing = VerifySignature(kSecret, kBody, "");
  EXPECT_EQ(missing.message(), "X-Outpost-Signature: missing");

  for (const std::string& header :
       {std::string("b798985c28d193436889394aefe4368195ccd61644425f373e2db781edea66eb"),
        std::string("sha1=b798985c28d193436889394aefe4368195ccd61644425f373e2db781edea66eb"),
        std::string("sha256=b798985c28d19343"),
        std::string("sha256=zz98985c28d193436889394aefe4368195ccd61644425f373e2db781edea66eb")}) {
    Status bad = VerifySignature(kSecret, kBody, header);
    EXPECT_EQ(bad.code(), StatusCode::kInvalidInput) << header;
    EXPECT_NE(bad.message().find("is not sha256= followed by 64 hex digits"), std::string::npos)
        << bad.message();
  }
}

TEST(ValidateOutboundMessage, NamesTheBadField) {
  const OutboundMessage good{"m-1", "k-1", "S1", "sms", "+8613812345678", "您好，回复TD退订"};
  EXPECT_TRUE(ValidateOutboundMessage(good).ok());
  OutboundMessage wechat = good;
  wechat.channel = "wechat";
  wechat.to = "wxid_abc-123";
  EXPECT_TRUE(ValidateOutboundMessage(wechat).ok());

  struct Case {
    void (*edit)(OutboundMessage&);
    const char* field;
  };
  const Case cases[] = {
      {[](OutboundMessage& m) { m.message_id.clear(); }, "message_id"},
      {[](OutboundMessage& m) { m.idempotency_key = "k\r\nX-Evil: 1"; }, "idempotency_key"},
      {[](OutboundMessage& m) { m.channel = "fax"; }, "channel"},
      {[](OutboundMessage& m) { m.to = "13812345678"; }, "to"},
      {[](OutboundMessage& m) { m.text.clear(); }, "text"},
      {[](OutboundMessage& m) { m.text = std::string(2001, 'a'); }, "text"},
      {[](OutboundMessage& m) { m.text = "\xC3\x28"; }, "text"},
  };
  for (const Case& c : cases) {
    OutboundMessage m = good;
    c.edit(m);
    Status s = ValidateOutboundMessage(m);
    EXPECT_EQ(s.code(), StatusCode::kInvalidInput) << c.field;
    EXPECT_EQ(s.field(), c.field) << s.message();
  }
}

TEST(ValidateGatewayConfig, NamesTheBadField) {
  GatewayConfig config;
  config.url = "http://127.0.0.1:8080/messages";
  config.secret = kSecret;
  EXPECT_TRUE(ValidateGatewayConfig(config).ok());

  for (const char* url : {"", "ftp://relay/x", "127.0.0.1:8080", "http://", "http://exa mple/"}) {
    GatewayConfig bad = config;
    bad.url = url;
    Status s = ValidateGatewayConfig(bad);
    EXPECT_EQ(s.field(), "url") << url << ": " << s.message();
  }
  GatewayConfig no_secret = config;
  no_secret.secret.clear();
  EXPECT_EQ(ValidateGatewayConfig(no_secret).field(), "secret");
  GatewayConfig zero_timeout = config;
  zero_timeout.timeout_ms = 0;
  EXPECT_EQ(ValidateGatewayConfig(zero_timeout).field(), "timeout_ms");
  GatewayConfig no_attempts = config;
  no_attempts.retry.max_attempts = 0;
  EXPECT_EQ(ValidateGatewayConfig(no_attempts).field(), "max_attempts");

  FixedClock clock(0);
  Result<std::unique_ptr<WebhookClient>> client = WebhookClient::Create(zero_timeout, clock);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().message(), "timeout_ms: 0 is not between 1 and 600000");
}

}  // namespace
}  // namespace outpost::delivery
