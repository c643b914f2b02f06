#include "sync/wire.h"

#include <capnp/message.h>
#include <capnp/serialize-packed.h>
#include <kj/exception.h>
#include <kj/io.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "schema/outpost.capnp.h"
#include "sync/i18n/messages.h"
#include "sync/packed_message.h"

namespace outpost {
namespace {

kj::ArrayPtr<const kj::byte> Bytes(const std::array<uint8_t, 32>& a) {
  return kj::ArrayPtr<const kj::byte>(a.data(), a.size());
}

Status ReadHash(capnp::Data::Reader data, std::array<uint8_t, 32>& out, const char* what) {
  if (data.size() != out.size()) {
    return Status::Corruption(std::string("batch: ") + what + " is not 32 bytes")
        .WithShown(i18n::Format("batch: {0} is not 32 bytes", {what}));
  }
  std::memcpy(out.data(), data.begin(), out.size());
  return Status::Ok();
}

// A store's log is numbered from 1 (sync/changelog.h); the wire carries an
// unsigned 64-bit seq, so 0 and anything past the int64 range are malformed.
// Refused here, before anything compares it with what the hub holds: such a
// seq would otherwise look like a rewrite of an applied change (equivocation).
Status CheckSeq(uint64_t seq, size_t index) {
  if (seq >= 1 && seq <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return Status::Ok();
  }
  return Status::Corruption("batch: change " + std::to_string(index + 1) + ": seq " +
                            std::to_string(seq) +
                            " is not a sequence number (a store's log counts from 1)")
      .WithShown(i18n::Format(
          "batch: change {0}: seq {1} is not a sequence number (a store's log counts from 1)",
          {std::to_string(index + 1), std::to_string(seq)}));
}

Result<ChangeEntry> ReadChange(wire::Change::Reader c, const std::string& site_id, size_t index) {
  RETURN_IF_ERROR(CheckSeq(c.getSeq(), index));
  ChangeEntry e;
  e.seq = static_cast<int64_t>(c.getSeq());
  e.site_id = site_id;
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
  return e;
}

void WriteChange(wire::Change::Builder c, const ChangeEntry& e) {
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

// An absent head (no index, no bytes) reads as nullopt.
Result<std::optional<SignedHead>> ReadHead(wire::SignedHead::Reader in) {
  if (in.getHead().size() == 0) return std::optional<SignedHead>();
  SignedHead h;
  h.index = static_cast<int64_t>(in.getIndex());
  RETURN_IF_ERROR(ReadHash(in.getHead(), h.head, "hub head"));
  if (in.getSignature().size() != h.signature.size()) {
    return Status::Corruption("hub head: signature is not 64 bytes");
  }
  std::memcpy(h.signature.data(), in.getSignature().begin(), h.signature.size());
  return std::optional<SignedHead>(h);
}

void WriteHead(wire::SignedHead::Builder out, const SignedHead& h) {
  out.setIndex(static_cast<uint64_t>(h.index));
  out.setHead(Bytes(h.head));
  out.setSignature(kj::ArrayPtr<const kj::byte>(h.signature.data(), h.signature.size()));
}

std::vector<WireProfile> ReadProfiles(capnp::List<wire::Profile>::Reader in) {
  std::vector<WireProfile> out;
  out.reserve(in.size());
  for (auto p : in) {
    out.push_back({static_cast<int64_t>(p.getSeq()), p.getUnifiedId(), p.getProfileJson()});
  }
  return out;
}

void WriteProfiles(capnp::List<wire::Profile>::Builder out, const std::vector<WireProfile>& in) {
  for (unsigned i = 0; i < in.size(); ++i) {
    out[i].setSeq(static_cast<uint64_t>(in[i].seq));
    out[i].setUnifiedId(in[i].unified_id);
    out[i].setProfileJson(in[i].profile_json);
  }
}

// May throw (generated code): called only through internal::DecodePacked.
Result<WireMessage> DecodeRoot(wire::Message::Reader message) {
  switch (message.which()) {
    case wire::Message::BATCH: {
      auto in = message.getBatch();
      WireBatch batch;
      batch.site_id = in.getSiteId();
      batch.schema_version = static_cast<int>(in.getSchemaVersion());
      batch.changes.reserve(in.getChanges().size());
      for (auto c : in.getChanges()) {
        ASSIGN_OR_RETURN(ChangeEntry e, ReadChange(c, batch.site_id, batch.changes.size()));
        batch.changes.push_back(std::move(e));
      }
      batch.applied_push_seq = static_cast<int64_t>(in.getAppliedPushSeq());
      batch.applied_profile_seq = static_cast<int64_t>(in.getAppliedProfileSeq());
      return WireMessage(std::move(batch));
    }
    case wire::Message::ACK: {
      auto in = message.getAck();
      WireAck ack{in.getSiteId(),
                  static_cast<int64_t>(in.getAckedSeq()),
                  in.getHubHlc(),
                  in.getStatus(),
                  {}};
      for (auto p : in.getPushes()) {
        ack.pushes.push_back({static_cast<int64_t>(p.getSeq()), p.getRequestJson()});
      }
      if (in.hasHubHead()) {
        ASSIGN_OR_RETURN(ack.hub_head, ReadHead(in.getHubHead()));
      }
      ack.profiles = ReadProfiles(in.getProfiles());
      ack.reads_zstd = in.getReadsZstd();
      return WireMessage(std::move(ack));
    }
    case wire::Message::HELLO: {
      auto in = message.getHello();
      return WireMessage(WireHello{
          in.getSiteId(), static_cast<int>(in.getSchemaVersion()),
          static_cast<int64_t>(in.getLastSeq()), static_cast<int64_t>(in.getAppliedPushSeq()),
          static_cast<int64_t>(in.getAppliedProfileSeq()), in.getSentAtMs()});
    }
    case wire::Message::LOOKUP: {
      auto in = message.getLookup();
      return WireMessage(WireLookup{in.getSiteId(), in.getPhone(), in.getStaff()});
    }
    case wire::Message::LOOKUP_REPLY: {
      auto in = message.getLookupReply();
      return WireMessage(
          WireLookupReply{in.getSiteId(), in.getStatus(), ReadProfiles(in.getProfiles())});
    }
    case wire::Message::LOG_REQUEST: {
      auto in = message.getLogRequest();
      WireLogRequest r;
      r.site_id = in.getSiteId();
      r.from_seq = static_cast<int64_t>(in.getFromSeq());
      r.to_seq = static_cast<int64_t>(in.getToSeq());
      r.state_digests = in.getStateDigests();
      for (auto b : in.getStateBuckets()) r.state_buckets.push_back(b);
      r.hub_log_after = static_cast<int64_t>(in.getHubLogAfter());
      r.hub_log_limit = static_cast<int>(std::min<uint32_t>(in.getHubLogLimit(), 1u << 20));
      return WireMessage(std::move(r));
    }
    case wire::Message::LOG_REPLY: {
      auto in = message.getLogReply();
      WireLogReply r;
      r.site_id = in.getSiteId();
      r.last_seq = static_cast<int64_t>(in.getLastSeq());
      if (in.getLastHash().size() != 0) {
        RETURN_IF_ERROR(ReadHash(in.getLastHash(), r.last_hash, "last hash"));
      }
      r.applied_push_seq = static_cast<int64_t>(in.getAppliedPushSeq());
      for (auto c : in.getChanges()) {
        ASSIGN_OR_RETURN(ChangeEntry e, ReadChange(c, r.site_id, r.changes.size()));
        r.changes.push_back(std::move(e));
      }
      for (auto d : in.getStateDigests()) {
        BucketDigest b;
        b.bucket = d.getBucket();
        b.count = static_cast<int64_t>(d.getCount());
        RETURN_IF_ERROR(ReadHash(d.getDigest(), b.digest, "bucket digest"));
        r.state_digests.push_back(b);
      }
      for (auto row : in.getStateRows()) {
        r.state_rows.push_back({row.getEntity(), row.getEntityId(), row.getFieldsJson()});
      }
      for (auto h : in.getHubLog()) {
        HubLogEntry e;
        e.index = static_cast<int64_t>(h.getIndex());
        e.site_id = h.getSiteId();
        e.first_seq = static_cast<int64_t>(h.getFirstSeq());
        e.last_seq = static_cast<int64_t>(h.getLastSeq());
        RETURN_IF_ERROR(ReadHash(h.getEnvelopeHash(), e.envelope_hash, "envelope hash"));
        r.hub_log.push_back(std::move(e));
      }
      if (in.hasHubHead()) {
        ASSIGN_OR_RETURN(r.hub_head, ReadHead(in.getHubHead()));
      }
      r.status = in.getStatus();
      return WireMessage(std::move(r));
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
    for (unsigned i = 0; i < batch->changes.size(); ++i) WriteChange(changes[i], batch->changes[i]);
    out.setAppliedPushSeq(static_cast<uint64_t>(batch->applied_push_seq));
    out.setAppliedProfileSeq(static_cast<uint64_t>(batch->applied_profile_seq));
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
    if (ack->hub_head) WriteHead(out.initHubHead(), *ack->hub_head);
    WriteProfiles(out.initProfiles(static_cast<unsigned>(ack->profiles.size())), ack->profiles);
    out.setReadsZstd(ack->reads_zstd);
  } else if (const auto* hello = std::get_if<WireHello>(&message)) {
    auto out = root.initHello();
    out.setSiteId(hello->site_id);
    out.setSchemaVersion(static_cast<uint32_t>(hello->schema_version));
    out.setLastSeq(static_cast<uint64_t>(hello->last_seq));
    out.setAppliedPushSeq(static_cast<uint64_t>(hello->applied_push_seq));
    out.setAppliedProfileSeq(static_cast<uint64_t>(hello->applied_profile_seq));
    out.setSentAtMs(hello->sent_at_ms);
  } else if (const auto* lookup = std::get_if<WireLookup>(&message)) {
    auto out = root.initLookup();
    out.setSiteId(lookup->site_id);
    out.setPhone(lookup->phone);
    out.setStaff(lookup->staff);
  } else if (const auto* found = std::get_if<WireLookupReply>(&message)) {
    auto out = root.initLookupReply();
    out.setSiteId(found->site_id);
    out.setStatus(found->status);
    WriteProfiles(out.initProfiles(static_cast<unsigned>(found->profiles.size())), found->profiles);
  } else if (const auto* req = std::get_if<WireLogRequest>(&message)) {
    auto out = root.initLogRequest();
    out.setSiteId(req->site_id);
    out.setFromSeq(static_cast<uint64_t>(req->from_seq));
    out.setToSeq(static_cast<uint64_t>(req->to_seq));
    out.setStateDigests(req->state_digests);
    auto buckets = out.initStateBuckets(static_cast<unsigned>(req->state_buckets.size()));
    for (unsigned i = 0; i < req->state_buckets.size(); ++i) {
      buckets.set(i, static_cast<uint16_t>(req->state_buckets[i]));
    }
    out.setHubLogAfter(static_cast<uint64_t>(req->hub_log_after));
    out.setHubLogLimit(static_cast<uint32_t>(req->hub_log_limit));
  } else if (const auto* rep = std::get_if<WireLogReply>(&message)) {
    auto out = root.initLogReply();
    out.setSiteId(rep->site_id);
    out.setLastSeq(static_cast<uint64_t>(rep->last_seq));
    out.setLastHash(Bytes(rep->last_hash));
    out.setAppliedPushSeq(static_cast<uint64_t>(rep->applied_push_seq));
    auto changes = out.initChanges(static_cast<unsigned>(rep->changes.size()));
    for (unsigned i = 0; i < rep->changes.size(); ++i) WriteChange(changes[i], rep->changes[i]);
    auto digests = out.initStateDigests(static_cast<unsigned>(rep->state_digests.size()));
    for (unsigned i = 0; i < rep->state_digests.size(); ++i) {
      digests[i].setBucket(static_cast<uint16_t>(rep->state_digests[i].bucket));
      digests[i].setCount(static_cast<uint64_t>(rep->state_digests[i].count));
      digests[i].setDigest(Bytes(rep->state_digests[i].digest));
    }
    auto rows = out.initStateRows(static_cast<unsigned>(rep->state_rows.size()));
    for (unsigned i = 0; i < rep->state_rows.size(); ++i) {
      rows[i].setEntity(rep->state_rows[i].entity);
      rows[i].setEntityId(rep->state_rows[i].entity_id);
      rows[i].setFieldsJson(rep->state_rows[i].fields_json);
    }
    auto log = out.initHubLog(static_cast<unsigned>(rep->hub_log.size()));
    for (unsigned i = 0; i < rep->hub_log.size(); ++i) {
      const HubLogEntry& e = rep->hub_log[i];
      log[i].setIndex(static_cast<uint64_t>(e.index));
      log[i].setSiteId(e.site_id);
      log[i].setFirstSeq(static_cast<uint64_t>(e.first_seq));
      log[i].setLastSeq(static_cast<uint64_t>(e.last_seq));
      log[i].setEnvelopeHash(Bytes(e.envelope_hash));
    }
    if (rep->hub_head) WriteHead(out.initHubHead(), *rep->hub_head);
    out.setStatus(rep->status);
  }
  kj::VectorOutputStream output;
  capnp::writePackedMessage(output, builder);
  auto bytes = output.getArray();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

Result<WireMessage> DecodeMessage(std::string_view bytes) {
  if (bytes.size() > kMaxMessageBytes) {
    return Status::Corruption("message: " + std::to_string(bytes.size()) +
                              " bytes is over the limit")
        .WithShown(
            i18n::Format("message: {0} bytes is over the limit", {std::to_string(bytes.size())}));
  }
  capnp::ReaderOptions options;
  options.traversalLimitInWords = bytes.size() / 8 * 16 + 1024;  // bounded by what arrived
  options.nestingLimit = 16;
  // The one place exceptions from generated code are caught (docs/ARCHITECTURE.md).
  return internal::DecodePacked<wire::Message>(bytes, options, "message", DecodeRoot);
}

}  // namespace outpost
