#include "sync/wire.h"

#include <capnp/message.h>
#include <capnp/serialize-packed.h>
#include <kj/exception.h>
#include <kj/io.h>

#include <cstring>

#include "schema/outpost.capnp.h"

namespace outpost {
namespace {

kj::ArrayPtr<const kj::byte> Bytes(const std::array<uint8_t, 32>& a) {
  return kj::ArrayPtr<const kj::byte>(a.data(), a.size());
}

Status ReadHash(capnp::Data::Reader data, std::array<uint8_t, 32>& out, const char* what) {
  if (data.size() != out.size()) {
    return Status::Corruption(std::string("batch: ") + what + " is not 32 bytes");
  }
  std::memcpy(out.data(), data.begin(), out.size());
  return Status::Ok();
}

Result<WireMessage> DecodeUnchecked(std::string_view bytes) {
  kj::ArrayInputStream input(
      kj::ArrayPtr<const kj::byte>(reinterpret_cast<const kj::byte*>(bytes.data()), bytes.size()));
  capnp::ReaderOptions options;
  options.traversalLimitInWords = bytes.size() / 8 * 16 + 1024;  // bounded by what arrived
  options.nestingLimit = 16;
  capnp::PackedMessageReader reader(input, options);
  auto message = reader.getRoot<wire::Message>();
  switch (message.which()) {
    case wire::Message::BATCH: {
      auto in = message.getBatch();
      WireBatch batch;
      batch.site_id = in.getSiteId();
      batch.schema_version = static_cast<int>(in.getSchemaVersion());
      for (auto c : in.getChanges()) {
        ChangeEntry e;
        e.seq = static_cast<int64_t>(c.getSeq());
        e.site_id = batch.site_id;
        e.hlc = c.getHlc();
        e.entity = c.getEntity();
        e.entity_id = c.getEntityId();
        e.op = c.getOp();
        e.fields_json = c.getFieldsJson();
        e.staff = c.getStaff();
        if (c.getHasBusinessTime()) e.business_time = std::string(c.getBusinessTime());
        e.recorded_at = c.getRecordedAt();
        e.schema_version = static_cast<int>(c.getSchemaVersion());
        RETURN_IF_ERROR(ReadHash(c.getPrevHash(), e.prev_hash, "prev_hash"));
        RETURN_IF_ERROR(ReadHash(c.getHash(), e.hash, "hash"));
        batch.changes.push_back(std::move(e));
      }
      batch.applied_push_seq = static_cast<int64_t>(in.getAppliedPushSeq());
      return WireMessage(std::move(batch));
    }
    case wire::Message::ACK: {
      auto in = message.getAck();
      WireAck ack{in.getSiteId(), static_cast<int64_t>(in.getAckedSeq()), in.getHubHlc(),
                  in.getStatus(), {}};
      for (auto p : in.getPushes()) {
        ack.pushes.push_back({static_cast<int64_t>(p.getSeq()), p.getRequestJson()});
      }
      return WireMessage(std::move(ack));
    }
    case wire::Message::HELLO: {
      auto in = message.getHello();
      return WireMessage(WireHello{in.getSiteId(), static_cast<int>(in.getSchemaVersion()),
                                   static_cast<int64_t>(in.getLastSeq()),
                                   static_cast<int64_t>(in.getAppliedPushSeq())});
    }
  }
  return Status::Corruption("message: unknown kind (from a newer protocol?)");
}

}  // namespace

std::string EncodeMessage(const WireMessage& message) {
  capnp::MallocMessageBuilder builder;
  auto root = builder.initRoot<wire::Message>();
  if (const auto* batch = std::get_if<WireBatch>(&message)) {
    auto out = root.initBatch();
    out.setSiteId(batch->site_id);
    out.setSchemaVersion(static_cast<uint32_t>(batch->schema_version));
    auto changes = out.initChanges(static_cast<unsigned>(batch->changes.size()));
    for (unsigned i = 0; i < batch->changes.size(); ++i) {
      const ChangeEntry& e = batch->changes[i];
      auto c = changes[i];
      c.setSeq(static_cast<uint64_t>(e.seq));
      c.setHlc(e.hlc);
      c.setEntity(e.entity);
      c.setEntityId(e.entity_id);
      c.setOp(e.op);
      c.setFieldsJson(e.fields_json);
      c.setStaff(e.staff);
      c.setHasBusinessTime(e.business_time.has_value());
      if (e.business_time) c.setBusinessTime(*e.business_time);
      c.setRecordedAt(e.recorded_at);
      c.setSchemaVersion(static_cast<uint32_t>(e.schema_version));
      c.setPrevHash(Bytes(e.prev_hash));
      c.setHash(Bytes(e.hash));
    }
    out.setAppliedPushSeq(static_cast<uint64_t>(batch->applied_push_seq));
  } else if (const auto* ack = std::get_if<WireAck>(&message)) {
    auto out = root.initAck();
    out.setSiteId(ack->site_id);
    out.setAckedSeq(static_cast<uint64_t>(ack->acked_seq));
    out.setHubHlc(ack->hub_hlc);
    out.setStatus(ack->status);
    auto pushes = out.initPushes(static_cast<unsigned>(ack->pushes.size()));
    for (unsigned i = 0; i < ack->pushes.size(); ++i) {
      pushes[i].setSeq(static_cast<uint64_t>(ack->pushes[i].seq));
      pushes[i].setRequestJson(ack->pushes[i].request_json);
    }
  } else if (const auto* hello = std::get_if<WireHello>(&message)) {
    auto out = root.initHello();
    out.setSiteId(hello->site_id);
    out.setSchemaVersion(static_cast<uint32_t>(hello->schema_version));
    out.setLastSeq(static_cast<uint64_t>(hello->last_seq));
    out.setAppliedPushSeq(static_cast<uint64_t>(hello->applied_push_seq));
  }
  kj::VectorOutputStream output;
  capnp::writePackedMessage(output, builder);
  auto bytes = output.getArray();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

Result<WireMessage> DecodeMessage(std::string_view bytes) {
  if (bytes.size() > kMaxMessageBytes) {
    return Status::Corruption("message: " + std::to_string(bytes.size()) +
                              " bytes is over the limit");
  }
  // The one place exceptions from generated code are caught (docs/ARCHITECTURE.md).
  try {
    return DecodeUnchecked(bytes);
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string("message: malformed (") + e.getDescription().cStr() +
                              ")");
  } catch (const std::exception& e) {
    return Status::Corruption(std::string("message: malformed (") + e.what() + ")");
  }
}

}  // namespace outpost
