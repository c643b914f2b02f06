// Inbound replies: parsing under limits, naming the bad field; classification.
#include "sync/delivery/inbound.h"

#include <gtest/gtest.h>

#include "sync/clock.h"

namespace outpost::delivery {
namespace {

TEST(ParseInboundReply, ReadsAWellFormedReply) {
  Result<InboundReply> reply = ParseInboundReply(
      R"({"from":"+8613812345678","text":"TD","received_at":"2026-11-23T15:22:25Z",)"
      R"("gateway_message_id":"in-7","in_reply_to":"booking-1/remind-24h/2026-11-24T10:00"})");
  ASSERT_TRUE(reply.ok()) << reply.status().message();
  EXPECT_EQ(reply->from, "+8613812345678");
  EXPECT_EQ(reply->text, "TD");
  EXPECT_EQ(reply->received_at_ms, *ParseUtcMs("2026-11-23T15:22:25Z"));
  EXPECT_EQ(reply->gateway_message_id, "in-7");
  EXPECT_EQ(reply->in_reply_to, "booking-1/remind-24h/2026-11-24T10:00");

  Result<InboundReply> no_context = ParseInboundReply(
      R"({"from":"wxid_abc","text":"1","received_at":"2026-11-23T15:22:25+08:00","gateway_message_id":"g"})");
  ASSERT_TRUE(no_context.ok()) << no_context.status().message();
  EXPECT_EQ(no_context->in_reply_to, "");
}

TEST(ParseInboundReply, NamesTheBadField) {
  struct Case {
    std::string body;
    const char* field;
    const char* message;
  };
  const std::string tail = R"(,"received_at":"2026-11-23T15:22:25Z","gateway_message_id":"g"})";
  const Case cases[] = {
      {R"({"text":"1")" + tail, "from", "inbound reply: from: missing"},
      {R"({"from":12,"text":"1")" + tail, "from", "inbound reply: from: 12 is not a string"},
      {R"({"from":"13812345678","text":"1")" + tail, "from",
       "inbound reply: from: '13812345678' is neither an E.164 phone nor a WeChat id"},
      {R"({"from":"+8613812345678")" + tail, "text", "inbound reply: text: missing"},
      {R"({"from":"+8613812345678","text":"1","received_at":"yesterday","gateway_message_id":"g"})",
       "received_at", "inbound reply: received_at: 'yesterday' is not a UTC timestamp"},
      {R"({"from":"+8613812345678","text":"1","received_at":"2026-11-23T15:22:25Z"})",
       "gateway_message_id", "inbound reply: gateway_message_id: missing"},
      {R"({"from":"+8613812345678","text":"1","in_reply_to":5)" + tail, "in_reply_to",
       "inbound reply: in_reply_to: 5 is not a string"},
  };
  for (const Case& c : cases) {
    Result<InboundReply> bad = ParseInboundReply(c.body);
    ASSERT_FALSE(bad.ok()) << c.body;
    EXPECT_EQ(bad.status().code(), StatusCode::kInvalidInput);
    EXPECT_EQ(bad.status().field(), c.field);
    EXPECT_EQ(bad.status().message(), c.message);
  }
}

TEST(ParseInboundReply, RefusesNonObjectsAndOversizedBodies) {
  EXPECT_EQ(ParseInboundReply("[1,2]").status().message(),
            "inbound reply: body '[1,2]' is not a JSON object");
  EXPECT_FALSE(ParseInboundReply("{\"from\":").ok());
  EXPECT_FALSE(ParseInboundReply("").ok());
  Result<InboundReply> huge = ParseInboundReply(std::string(kMaxInboundBodyBytes + 1, ' '));
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.status().message().find("over the limit"), std::string::npos);
  const std::string long_text(1001, 'a');
  EXPECT_EQ(ParseInboundReply(R"({"from":"+8613812345678","text":")" + long_text +
                              R"(","received_at":"2026-11-23T15:22:25Z","gateway_message_id":"g"})")
                .status()
                .field(),
            "text");
}

TEST(ClassifyReply, CancelOptOutAndOther) {
  EXPECT_EQ(ClassifyReply("1"), ReplyKind::kCancel);
  EXPECT_EQ(ClassifyReply(" 1\n"), ReplyKind::kCancel);
  EXPECT_EQ(ClassifyReply("１"), ReplyKind::kCancel);  // full-width digit one
  for (const char* opt_out : {"TD", "td", "Td", "ＴＤ", "退订", "\u3000退订 "}) {
    EXPECT_EQ(ClassifyReply(opt_out), ReplyKind::kOptOut) << opt_out;
  }
  for (const char* other : {"", "11", "2", "TD please", "好的", "取消", "退订了"}) {
    EXPECT_EQ(ClassifyReply(other), ReplyKind::kOther) << other;
  }
  EXPECT_STREQ(ReplyKindName(ReplyKind::kOptOut), "opt_out");
}

}  // namespace
}  // namespace outpost::delivery
