// Shared by the fuzz targets: an invariant that does not hold is a finding, reported like a crash
// (libFuzzer keeps the input; the replay test fails).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <initializer_list>

#include "core/error.h"
#include "core/text.h"

#define FZ_FUZZ_CHECK(cond)                                                                  \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)

namespace fazhi::fuzz {

// A refused input is an expected error of one of `codes` with a message a user can read: non-empty
// and valid UTF-8 (it goes into a JSON response).
inline void CheckRefusal(const Error& e, std::initializer_list<ErrorCode> codes = {ErrorCode::kInvalidArgument}) {
  bool known = false;
  for (ErrorCode c : codes) known = known || e.code == c;
  if (!known) std::fprintf(stderr, "unexpected error code %d: %s\n", static_cast<int>(e.code), e.message.c_str());
  FZ_FUZZ_CHECK(known);
  if (!IsValidUtf8(e.message)) std::fprintf(stderr, "message: %s\n", ToHex(e.message).c_str());
  FZ_FUZZ_CHECK(!e.message.empty());
  FZ_FUZZ_CHECK(IsValidUtf8(e.message));
  FZ_FUZZ_CHECK(IsValidUtf8(e.field));
}

}  // namespace fazhi::fuzz
