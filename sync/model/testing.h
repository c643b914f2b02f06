// Test helpers shared by the codec tests of sync/model/. Tests only.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "sync/status.h"

namespace outpost::model {

// The status is an error whose message starts with `prefix` ("kind: field:").
inline void ExpectNamed(const Status& status, const std::string& prefix) {
  EXPECT_FALSE(status.ok()) << prefix;
  EXPECT_EQ(status.message().rfind(prefix, 0), 0u) << status.message();
}

}  // namespace outpost::model
