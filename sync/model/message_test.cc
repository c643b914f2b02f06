#include "sync/model/message.h"

#include <gtest/gtest.h>

namespace outpost::model {
namespace {

using nlohmann::json;

Message Sample() {
  Message m;
  m.idempotency_key = "S1|b-1|reminder-24h|2026-11-24T02:00:00.000Z";
  m.id = MessageIdFor(m.idempotency_key);
  m.store_id = "S1";
  m.customer_id = "c-1";
  m.booking_id = "b-1";
  m.step = "reminder-24h";
  m.purpose = "transactional";
  m.channel = "sms";
  m.due_at = "2026-11-23T02:00:00.000Z";
  m.not_after = "2026-11-24T02:00:00.000Z";
  m.text = "明天10:00保养 回复TD退订";
  m.planned_at = "2026-11-20T01:00:00.000Z";
  return m;
}

TEST(MessageModelTest, RoundTripAndUpdateFold) {
  const Message m = Sample();
  auto parsed = ParseMessage(m.id, MessageInsertFields(m));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(MessageJson(*parsed), MessageJson(m));

  MessageUpdate sent;
  sent.status = MessageStatus::kSent;
  sent.attempts = 1;
  sent.receipt_id = "R-9";
  sent.sent_at = "2026-11-23T02:00:01.000Z";
  auto u = ParseMessageUpdate(MessageUpdateFields(sent));
  ASSERT_TRUE(u.ok());
  Message folded = *parsed;
  ApplyMessageUpdate(*u, folded);
  EXPECT_EQ(folded.status, MessageStatus::kSent);
  EXPECT_EQ(folded.receipt_id, "R-9");
  EXPECT_EQ(folded.attempts, 1);
  // The fold of insert and update fields reads as the folded message.
  json both = MessageInsertFields(m);
  both.update(MessageUpdateFields(sent));
  auto from_fold = ParseMessage(m.id, both);
  ASSERT_TRUE(from_fold.ok());
  EXPECT_EQ(MessageJson(*from_fold), MessageJson(folded));
}

TEST(MessageModelTest, TheIdIsTheKeys) {
  EXPECT_EQ(MessageIdFor("a"), MessageIdFor("a"));
  EXPECT_NE(MessageIdFor("S1|b-1|reminder-24h|2026-11-24T02:00:00.000Z"),
            MessageIdFor("S1|b-1|reminder-24h|2026-11-24T03:00:00.000Z"));
  EXPECT_EQ(MessageIdFor("a").size(), 22u);
  auto wrong = ParseMessage("M-00000000000000000000", MessageInsertFields(Sample()));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().message(),
            "message: idempotency_key: does not match the message id M-00000000000000000000");
}

TEST(MessageModelTest, DamagedFieldsAreNamed) {
  const Message m = Sample();
  json f = MessageInsertFields(m);
  f["due_at"] = "tomorrow";
  auto bad = ParseMessage(m.id, f);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "message: due_at: 'tomorrow' is not a UTC time");

  f = MessageInsertFields(m);
  f["status"] = "lost";
  EXPECT_EQ(ParseMessage(m.id, f).status().message(),
            "message: status: 'lost' is not a message status");
  f = MessageInsertFields(m);
  f["channel"] = "fax";
  EXPECT_EQ(ParseMessage(m.id, f).status().message(),
            "message: channel: 'fax' is not one of the allowed values");
  EXPECT_EQ(ParseMessageUpdate(json{{"attempts", -1}}).status().message(),
            "message: attempts: negative");
}

TEST(MessageModelTest, PendingStatuses) {
  EXPECT_TRUE(IsPending(MessageStatus::kDelayed));
  EXPECT_TRUE(IsPending(MessageStatus::kSending));
  EXPECT_FALSE(IsPending(MessageStatus::kSent));
  EXPECT_FALSE(IsPending(MessageStatus::kCancelled));
  for (auto s : {MessageStatus::kPlanned, MessageStatus::kSkipped, MessageStatus::kDone}) {
    EXPECT_EQ(ParseMessageStatus(MessageStatusName(s)), s);
  }
}

}  // namespace
}  // namespace outpost::model
