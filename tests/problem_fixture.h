#pragma once
// A built-in test problem ready for a sampler: its likelihood, prior and Problem kept together.
#include "problem.h"
#include "test_problems.h"

#include <map>
#include <string>

namespace nubayes::testing {

struct ProblemFixture {
  TestProblemSetup setup;
  PriorSpace prior;
  Problem problem;
  explicit ProblemFixture(const std::string& name, std::map<std::string, std::string> opts = {})
      : setup(make_test_problem(name, ModelOptions(std::move(opts)))), prior(setup.priors),
        problem(prior, *setup.likelihood, name) {}
};

} // namespace nubayes::testing
