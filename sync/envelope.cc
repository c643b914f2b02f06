#include "sync/envelope.h"

#include <capnp/message.h>
#include <capnp/serialize-packed.h>
#include <kj/exception.h>
#include <kj/io.h>
#include <sodium.h>
#include <zstd.h>

#include <array>

#include "schema/outpost.capnp.h"
#include "sync/i18n/messages.h"
#include "sync/packed_message.h"
#include "sync/wire.h"

namespace outpost {
namespace {

void PutU64(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// The bytes the AEAD authenticates and the signature covers (with nonce and
// ciphertext). A compressed envelope says so here (v2), so the flag cannot be
// changed in transit; uncompressed ones keep the v1 bytes they always had.
std::string HeaderBytes(const EnvelopeHeader& h) {
  const bool v1 = h.compression == Compression::kNone;
  std::string out = v1 ? "outpost-envelope-v1" : "outpost-envelope-v2";
  PutU64(out, h.site_id.size());
  out += h.site_id;
  PutU64(out, h.key_id.size());
  out += h.key_id;
  out.push_back(static_cast<char>(h.direction));
  if (!v1) out.push_back(static_cast<char>(h.compression));
  return out;
}

// Level 3 (zstd's default): a batch of 5,000 changes in a few milliseconds at
// the store, and it opens at about 1 GB/s at the hub.
std::string Compress(std::string_view plain) {
  std::string out(ZSTD_compressBound(plain.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), plain.data(), plain.size(), 3);
  if (ZSTD_isError(n)) return {};
  out.resize(n);
  return out;
}

// Only a single frame that declares its size, within the message limit: a
// small envelope cannot unpack into a large allocation.
Result<std::string> Decompress(std::string_view frame, const std::string& from) {
  const unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
    return Status::Corruption(from + ": compressed content is not a zstd frame of known size")
        .WithShown(
            i18n::Format("{0}: compressed content is not a zstd frame of known size", {from}));
  }
  if (size > kMaxMessageBytes) {
    return Status::Corruption(from + ": compressed content unpacks to " + std::to_string(size) +
                              " bytes, over the limit")
        .WithShown(i18n::Format("{0}: compressed content unpacks to {1} bytes, over the limit",
                                {from, std::to_string(size)}));
  }
  std::string out(static_cast<size_t>(size), '\0');
  const size_t n = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
  if (ZSTD_isError(n) || n != size) {
    return Status::Corruption(from + ": compressed content is damaged")
        .WithShown(i18n::Format("{0}: compressed content is damaged", {from}));
  }
  return out;
}

// The key for traffic in `direction`, as seen from `own` talking to `peer`.
Status SessionKey(const SecretKeys& own, const PublicKeys& peer, Direction direction, bool sending,
                  std::array<uint8_t, 32>& key) {
  std::array<uint8_t, 32> rx, tx;
  const bool own_is_store = (direction == Direction::kStoreToHub) == sending;
  int rc = own_is_store ? crypto_kx_client_session_keys(rx.data(), tx.data(), own.pub.kx_pk.data(),
                                                        own.kx_sk.data(), peer.kx_pk.data())
                        : crypto_kx_server_session_keys(rx.data(), tx.data(), own.pub.kx_pk.data(),
                                                        own.kx_sk.data(), peer.kx_pk.data());
  if (rc != 0) return Status::Corruption("envelope: the peer's exchange key is unusable");
  key = sending ? tx : rx;
  sodium_memzero(sending ? rx.data() : tx.data(), 32);
  return Status::Ok();
}

struct ParsedEnvelope {
  EnvelopeHeader header;
  std::string nonce, ciphertext, signature;
};

// May throw (generated code): called only through internal::DecodePacked.
Result<ParsedEnvelope> ParseRoot(wire::Envelope::Reader e) {
  ParsedEnvelope out;
  out.header.site_id = e.getSiteId();
  out.header.key_id = e.getKeyId();
  if (e.getDirection() > 1) return Status::Corruption("envelope: unknown direction");
  out.header.direction = static_cast<Direction>(e.getDirection());
  if (e.getCompression() > 1) return Status::Corruption("envelope: unknown compression");
  out.header.compression = static_cast<Compression>(e.getCompression());
  auto take = [](capnp::Data::Reader d) {
    return std::string(reinterpret_cast<const char*>(d.begin()), d.size());
  };
  out.nonce = take(e.getNonce());
  out.ciphertext = take(e.getCiphertext());
  out.signature = take(e.getSignature());
  return out;
}

Result<ParsedEnvelope> Parse(std::string_view bytes) {
  if (bytes.size() > kMaxMessageBytes + 4096) return Status::Corruption("envelope: too large");
  capnp::ReaderOptions options;
  options.traversalLimitInWords = bytes.size() / 8 * 16 + 1024;
  options.nestingLimit = 4;
  return internal::DecodePacked<wire::Envelope>(bytes, options, "envelope", ParseRoot);
}

}  // namespace

std::string SealEnvelope(std::string_view message, const SecretKeys& sender,
                         const PublicKeys& recipient, Direction direction,
                         const std::string& store_site, Compression compression) {
  std::string compressed;
  if (compression == Compression::kZstd) {
    compressed = Compress(message);
    if (compressed.empty()) return {};
  }
  const std::string_view plaintext =
      compression == Compression::kZstd ? std::string_view(compressed) : message;
  EnvelopeHeader header{store_site, sender.pub.KeyId(), direction, compression};
  const std::string ad = HeaderBytes(header);
  std::array<uint8_t, 32> key;
  if (!SessionKey(sender, recipient, direction, /*sending=*/true, key).ok()) return {};
  std::array<uint8_t, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES> nonce;
  randombytes_buf(nonce.data(), nonce.size());
  std::string ciphertext(plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<unsigned char*>(ciphertext.data()), &clen,
      reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
      reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, nonce.data(),
      key.data());
  sodium_memzero(key.data(), key.size());
  ciphertext.resize(clen);
  std::string signed_bytes = ad;
  signed_bytes.append(reinterpret_cast<const char*>(nonce.data()), nonce.size());
  signed_bytes += ciphertext;
  std::array<uint8_t, crypto_sign_BYTES> signature;
  crypto_sign_detached(signature.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(signed_bytes.data()),
                       signed_bytes.size(), sender.sign_sk.data());

  capnp::MallocMessageBuilder builder;
  auto e = builder.initRoot<wire::Envelope>();
  e.setSiteId(header.site_id);
  e.setKeyId(header.key_id);
  e.setDirection(static_cast<uint8_t>(direction));
  e.setCompression(static_cast<uint8_t>(compression));
  e.setNonce(kj::ArrayPtr<const kj::byte>(nonce.data(), nonce.size()));
  e.setCiphertext(kj::ArrayPtr<const kj::byte>(reinterpret_cast<const kj::byte*>(ciphertext.data()),
                                               ciphertext.size()));
  e.setSignature(kj::ArrayPtr<const kj::byte>(signature.data(), signature.size()));
  kj::VectorOutputStream output;
  capnp::writePackedMessage(output, builder);
  auto bytes = output.getArray();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

Result<EnvelopeHeader> PeekEnvelope(std::string_view bytes) {
  ASSIGN_OR_RETURN(ParsedEnvelope parsed, Parse(bytes));
  return parsed.header;
}

namespace {

Status CheckSignature(const ParsedEnvelope& p, const PublicKeys& sender) {
  const std::string from = "envelope for " + p.header.site_id;
  if (p.header.key_id != sender.KeyId()) {
    return Status::Corruption(from + ": signed with key " + p.header.key_id +
                              ", not the allow-listed key " + sender.KeyId())
        .WithShown(i18n::Format("{0}: signed with key {1}, not the allow-listed key {2}",
                                {from, p.header.key_id, sender.KeyId()}));
  }
  if (p.nonce.size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
      p.signature.size() != crypto_sign_BYTES) {
    return Status::Corruption(from + ": malformed nonce or signature")
        .WithShown(i18n::Format("{0}: malformed nonce or signature", {from}));
  }
  const std::string signed_bytes = HeaderBytes(p.header) + p.nonce + p.ciphertext;
  if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(p.signature.data()),
                                  reinterpret_cast<const unsigned char*>(signed_bytes.data()),
                                  signed_bytes.size(), sender.sign_pk.data()) != 0) {
    return Status::Corruption(from + ": bad signature")
        .WithShown(i18n::Format("{0}: bad signature", {from}));
  }
  return Status::Ok();
}

}  // namespace

Status VerifyEnvelopeSignature(std::string_view bytes, const PublicKeys& sender) {
  ASSIGN_OR_RETURN(ParsedEnvelope p, Parse(bytes));
  return CheckSignature(p, sender);
}

Result<std::string> OpenEnvelope(std::string_view bytes, const SecretKeys& own,
                                 const PublicKeys& sender, Direction expected) {
  ASSIGN_OR_RETURN(ParsedEnvelope p, Parse(bytes));
  const std::string from = "envelope for " + p.header.site_id;
  if (p.header.direction != expected) {
    return Status::Corruption(from + ": wrong direction")
        .WithShown(i18n::Format("{0}: wrong direction", {from}));
  }
  RETURN_IF_ERROR(CheckSignature(p, sender));
  const std::string ad = HeaderBytes(p.header);
  std::array<uint8_t, 32> key;
  RETURN_IF_ERROR(SessionKey(own, sender, expected, /*sending=*/false, key));
  if (p.ciphertext.size() < crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return Status::Corruption(from + ": ciphertext too short")
        .WithShown(i18n::Format("{0}: ciphertext too short", {from}));
  }
  std::string plaintext(p.ciphertext.size() - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long plen = 0;
  int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
      reinterpret_cast<unsigned char*>(plaintext.data()), &plen, nullptr,
      reinterpret_cast<const unsigned char*>(p.ciphertext.data()), p.ciphertext.size(),
      reinterpret_cast<const unsigned char*>(ad.data()), ad.size(),
      reinterpret_cast<const unsigned char*>(p.nonce.data()), key.data());
  sodium_memzero(key.data(), key.size());
  if (rc != 0) {
    return Status::Corruption(from + ": cannot decrypt (wrong recipient or altered)")
        .WithShown(i18n::Format("{0}: cannot decrypt (wrong recipient or altered)", {from}));
  }
  plaintext.resize(plen);
  if (p.header.compression == Compression::kZstd) return Decompress(plaintext, from);
  return plaintext;
}

}  // namespace outpost
