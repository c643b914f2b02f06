// Decoding one packed Cap'n Proto message from a peer: the one place where
// exceptions from the generated code and the Cap'n Proto reader are caught
// and become a Corruption status (sync/wire.cc, sync/envelope.cc use it).
// Internal to the wire library; stateless and thread-safe.
//
// capnp::PackedMessageReader reads lazily: the segment table and segment 0
// when constructed, any later segment when a pointer first leads into it,
// and whatever is still unread in its destructor, which throws when a segment
// the message declared never came. A destructor that throws after the decoded
// value was built as a function's return value leaks that value under Clang
// (CWG 2176: the Clang 14 of Debian 12 never destroys it; LeakSanitizer found
// it in ops/fuzz.sh with a message declaring a segment it never sent). So:
//   - every declared segment is read before anything is decoded: a message is
//     used only when all of it arrived, and a short one is refused by name;
//   - nothing is returned from inside the reader's scope: the decoded value
//     lives in a local declared before the reader, which unwinding destroys.
#pragma once

#include <capnp/message.h>
#include <capnp/serialize-packed.h>
#include <kj/exception.h>
#include <kj/io.h>

#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "sync/i18n/messages.h"
#include "sync/status.h"

namespace outpost::internal {

// Reads every segment after the first. getSegment(id) reads the bytes up to
// the end of segment `id` (throwing if they are missing) and is null past the
// last segment; the reader allows at most 512 segments.
inline void ReadEverySegment(capnp::MessageReader& reader) {
  for (capnp::uint id = 1; reader.getSegment(id).begin() != nullptr; ++id) {
  }
}

// `decode(root)` on the message packed in `bytes`, read under `options`.
// Returns what `decode` returned (a Result), or Corruption naming `what`
// ("message", "envelope") and the reason for bytes that are not one whole
// message.
template <typename Root, typename Decode>
auto DecodePacked(std::string_view bytes, const capnp::ReaderOptions& options,
                  std::string_view what, Decode&& decode)
    -> decltype(decode(std::declval<typename Root::Reader>())) {
  std::optional<decltype(decode(std::declval<typename Root::Reader>()))> decoded;
  bool table_read = false, every_segment_read = false;
  std::string error;
  try {
    kj::ArrayInputStream input(kj::ArrayPtr<const kj::byte>(
        reinterpret_cast<const kj::byte*>(bytes.data()), bytes.size()));
    capnp::PackedMessageReader reader(input, options);
    table_read = true;
    ReadEverySegment(reader);
    every_segment_read = true;
    decoded.emplace(decode(reader.getRoot<Root>()));
  } catch (const kj::Exception& e) {
    error = e.getDescription().cStr();
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (error.empty() && decoded) return std::move(*decoded);
  if (table_read && !every_segment_read) {
    return Status::Corruption(std::string(what) + ": declares a segment it never sent (" + error +
                              ")")
        .WithShown(i18n::Format("{0}: declares a segment it never sent ({1})", {what, error}));
  }
  return Status::Corruption(std::string(what) + ": malformed (" + error + ")")
      .WithShown(i18n::Format("{0}: malformed ({1})", {what, error}));
}

}  // namespace outpost::internal
