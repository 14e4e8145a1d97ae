#pragma once
// Shared by the experiment tests: a bad [data] option must be refused with one line naming it.
#include "model_options.h"

#include <gtest/gtest.h>
#include <map>
#include <string>

namespace nubayes::testing {

/// Expects `make(ModelOptions(keys, "data"))` to throw an OptionError naming [data] `key`, in one
/// line containing `needle`.
template <class Make>
void expect_data_option_error(Make make, const std::map<std::string, std::string>& keys,
                              const std::string& key, const std::string& needle) {
  try {
    make(ModelOptions(keys, "data"));
    ADD_FAILURE() << "no exception for " << key;
  } catch (const OptionError& e) {
    EXPECT_EQ(e.key(), key);
    EXPECT_EQ(e.section(), "data");
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
  }
}

} // namespace nubayes::testing
