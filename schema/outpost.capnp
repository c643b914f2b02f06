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
}

# The hub's answer: everything up to ackedSeq is durably committed at the hub.
struct Ack {
  siteId @0 :Text;
  ackedSeq @1 :UInt64;
  hubHlc @2 :UInt64;
  status @3 :Text;           # "ok", or why the batch was held or refused
  pushes @4 :List(Push);     # requests for this store made at head office, oldest first
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
  }
}

# Sent by a store on connect: where its log stands and where the hub's cursor is.
struct Hello {
  siteId @0 :Text;
  schemaVersion @1 :UInt32;
  lastSeq @2 :UInt64;
  appliedPushSeq @3 :UInt64;
}

# The sealed form of a Message on the wire.
struct Envelope {
  siteId @0 :Text;           # the store the envelope is from or to
  keyId @1 :Text;            # fingerprint of the sender's signing key (key rotation)
  direction @2 :UInt8;       # 0: store to hub, 1: hub to store
  nonce @3 :Data;            # 24 bytes, random
  ciphertext @4 :Data;       # XChaCha20-Poly1305 of the packed Message
  signature @5 :Data;        # Ed25519 by the sender over the header, nonce and ciphertext
}
