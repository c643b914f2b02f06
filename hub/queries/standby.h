// Read from a standby: whether the reader's database is a read-only replica
// of a PostgreSQL hub, how stale it is, and the one line every format shows
// to say so (the month report, customer search, the web console's pages).
//
// On a standby nothing is indexed or resolved before a read (it takes no
// writes): the typed rows and the customer links are as its primary last
// refreshed them, and the line says so.
//
// Thread-compatible (hub/queries/reader.h); StandbyLine is pure.
#pragma once

#include <optional>
#include <string>

#include "hub/queries/reader.h"
#include "sync/status.h"

namespace outpost::hub::queries {

// How far the reader's database trails its primary; nullopt when it is not a
// standby (a primary, or a SQLite file).
Result<std::optional<storage::StandbyState>> ReadStandby(const HubReader& hub);

// "读自备库 read from a standby: 已追上主库 caught up with its primary (最近重放
// last change replayed T)", or "... behind its primary by N s" or "by an
// unknown time", then "; " and `as_of` (what the primary last refreshed, in
// both languages) when given.
std::string StandbyLine(const storage::StandbyState& standby, const std::string& as_of = "");

// `as_of` of a customer view read from a standby.
inline constexpr char kLinksAsOfPrimary[] =
    "客户归并截至主库最近一次识别 customer links as of the primary's last resolution";

}  // namespace outpost::hub::queries
