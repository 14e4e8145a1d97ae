#pragma once
// Exit codes of `nubayes`, documented in the README.
namespace nubayes::exit_code {
constexpr int ok = 0;
constexpr int failure = 1;      ///< runtime error (likelihood NaN, I/O error, ...)
constexpr int bad_input = 2;    ///< config, command line or resume mismatch; nothing was written
constexpr int checkpointed = 3; ///< stopped by SIGTERM/SIGUSR1 after a checkpoint: resume me
} // namespace nubayes::exit_code
