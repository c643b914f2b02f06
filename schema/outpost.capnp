# The wire protocol between store edges and the hub.
#
# Every message on the socket is an Envelope (signed by the sender, encrypted to
# the recipient; see docs/PROTOCOL.md). Inside is one Message. Readers tolerate
# fields they do not know (Cap'n Proto's evolution rules): new fields are only
# ever added with new ordinals, never renumbered or retyped.
@0xb6f4dd053b7e4265;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("outpost::wire");

# One change-log entry (sync/changelog.h), as the site wrote and hashed it.
struct Change {
  seq @0 :UInt64;
  hlc @1 :UInt64;
  entity @2 :Text;
  entityId @3 :Text;
  op @4 :Text;
  fieldsJson @5 :Text;
  staff @6 :Text;
  businessTime @7 :Text;
  hasBusinessTime @8 :Bool;
  recordedAt @9 :Text;
  schemaVersion @10 :UInt32;
  prevHash @11 :Data;        # 32 bytes
  hash @12 :Data;            # 32 bytes
}

# A run of consecutive changes of one site, oldest first.
struct Batch {
  siteId @0 :Text;
  schemaVersion @1 :UInt32;  # the sender's database schema version
  changes @2 :List(Change);
  appliedPushSeq @3 :UInt64; # the store has applied head office's requests up to here
  appliedProfileSeq @4 :UInt64;  # the store holds the hub's unified profiles up to here
}

# The hub's answer: everything up to ackedSeq is durably committed at the hub.
struct Ack {
  siteId @0 :Text;
  ackedSeq @1 :UInt64;
  hubHlc @2 :UInt64;
  status @3 :Text;           # "ok", or why the batch was held or refused
  pushes @4 :List(Push);     # requests for this store made at head office, oldest first
  hubHead @5 :SignedHead;    # the head of the hub's log as of this answer (stores keep them)
  profiles @6 :List(Profile);  # unified profiles of this store's customers, oldest seq first
  readsZstd @7 :Bool;        # the hub opens zstd-compressed envelopes: the store may send them
}

# The unified profile of one of a store's customers (hub/profiles.h): what the
# chain knows of them (records at other stores, vehicles, bookings, consent),
# so a store cut off from head office still knows them. Per store, each new
# version takes the next seq and replaces the store's copy (only the newest is
# kept, so a store back after a while gets fewer seqs than were given out).
# An empty profileJson withdraws it (no record of it at this store any more).
struct Profile {
  seq @0 :UInt64;
  unifiedId @1 :Text;
  profileJson @2 :Text;
}

# A walk-in's phone, asked of the hub by a store that is online (the desk's
# `customer lookup`). The hub answers with the profiles of the customers that
# phone belongs to, and records who asked.
struct Lookup {
  siteId @0 :Text;
  phone @1 :Text;            # as typed; the hub normalises it
  staff @2 :Text;
}

struct LookupReply {
  siteId @0 :Text;
  status @1 :Text;           # "ok" or why there is no answer
  profiles @2 :List(Profile);  # seq 0: not kept by the store's sync
}

# The head of the hub's own log: a BLAKE2b hash chain over every batch it has
# accepted from any store (docs/AUDIT.md), signed with the hub's Ed25519 key.
# A store keeps the heads it has seen; verify later proves the hub's log still
# extends each of them, i.e. the hub only appended and never rewrote history.
struct SignedHead {
  index @0 :UInt64;          # the batch_archive id the head covers up to (0: empty log)
  head @1 :Data;             # 32 bytes
  signature @2 :Data;        # 64 bytes: Ed25519 over "outpost-hub-head-v1", index, head
}

# One accepted batch in the hub's log, as the chain hashes it.
struct HubLogEntry {
  index @0 :UInt64;
  siteId @1 :Text;
  firstSeq @2 :UInt64;
  lastSeq @3 :UInt64;
  envelopeHash @4 :Data;     # BLAKE2b-256 of the sealed envelope as received
}

# A store asking the hub about its own data (verify, rebuild). The hub answers
# only about the asking store's log and entities.
struct LogRequest {
  siteId @0 :Text;
  fromSeq @1 :UInt64;        # the store's changes fromSeq..toSeq as the hub holds them
  toSeq @2 :UInt64;          # (0: none)
  stateDigests @3 :Bool;     # a digest per bucket of the store's entities at the hub
  stateBuckets @4 :List(UInt16);  # these buckets' entities in full
  hubLogAfter @5 :UInt64;    # hub log entries with a greater index ...
  hubLogLimit @6 :UInt32;    # ... at most this many (0: none)
}

struct BucketDigest {
  bucket @0 :UInt16;
  count @1 :UInt64;
  digest @2 :Data;           # 32 bytes
}

struct StateRow {
  entity @0 :Text;
  entityId @1 :Text;
  fieldsJson @2 :Text;
}

struct LogReply {
  siteId @0 :Text;
  lastSeq @1 :UInt64;        # the hub's cursor for this store
  lastHash @2 :Data;
  appliedPushSeq @3 :UInt64;
  changes @4 :List(Change);
  stateDigests @5 :List(BucketDigest);
  stateRows @6 :List(StateRow);
  hubLog @7 :List(HubLogEntry);
  hubHead @8 :SignedHead;
  status @9 :Text;
}

# A request made at head office for one store (a call-centre booking), applied
# by the store through the same code path as its own desk.
struct Push {
  seq @0 :UInt64;            # per store, gapless from 1
  requestJson @1 :Text;      # the booking request (see hub/hub.h QueueBooking)
}

struct Message {
  union {
    batch @0 :Batch;
    ack @1 :Ack;
    hello @2 :Hello;
    logRequest @3 :LogRequest;
    logReply @4 :LogReply;
    lookup @5 :Lookup;
    lookupReply @6 :LookupReply;
  }
}

# Sent by a store on connect: where its log stands and where the hub's cursor is.
struct Hello {
  siteId @0 :Text;
  schemaVersion @1 :UInt32;
  lastSeq @2 :UInt64;
  appliedPushSeq @3 :UInt64;
  appliedProfileSeq @4 :UInt64;
  # The store's clock when it sealed the hello (UTC ms): head office keeps the
  # difference from its own clock (the store's clock skew). 0 from a store
  # older than the field: nothing is said of its clock.
  sentAtMs @5 :Int64;
}

# The sealed form of a Message on the wire.
struct Envelope {
  siteId @0 :Text;           # the store the envelope is from or to
  keyId @1 :Text;            # fingerprint of the sender's signing key (key rotation)
  direction @2 :UInt8;       # 0: store to hub, 1: hub to store
  nonce @3 :Data;            # 24 bytes, random
  ciphertext @4 :Data;       # XChaCha20-Poly1305 of the packed Message
  signature @5 :Data;        # Ed25519 by the sender over the header, nonce and ciphertext
  compression @6 :UInt8;     # 0: none; 1: the plaintext is one zstd frame (in the header bytes)
}
