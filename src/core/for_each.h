// FZ_FOR_EACH(m, a, b, x, y, z) expands to m(a, b, x) m(a, b, y) m(a, b, z): a macro applied to every
// name of a list, with two fixed arguments. It lets FZ_READ (db/sql.h) and FZ_JSON (core/json_fields.h)
// take a member's name once and use it both as the member and as the column or key it maps to.
//
// The usual __VA_OPT__ recursion of C++20: each step defers the next one by a pair of parentheses, and
// FZ_FOR_EACH_RESCAN_ rescans the text 4 × 4 × 4 × 4 = 256 times, so a list may hold 256 names.
#pragma once

#define FZ_FOR_EACH(m, a, b, ...) __VA_OPT__(FZ_FOR_EACH_RESCAN_(FZ_FOR_EACH_STEP_(m, a, b, __VA_ARGS__)))

#define FZ_FOR_EACH_STEP_(m, a, b, name, ...) \
  m(a, b, name) __VA_OPT__(FZ_FOR_EACH_NEXT_ FZ_FOR_EACH_EMPTY_(m, a, b, __VA_ARGS__))
#define FZ_FOR_EACH_EMPTY_ ()
#define FZ_FOR_EACH_NEXT_() FZ_FOR_EACH_STEP_

#define FZ_FOR_EACH_RESCAN_(...) FZ_FOR_EACH_R3_(FZ_FOR_EACH_R3_(FZ_FOR_EACH_R3_(FZ_FOR_EACH_R3_(__VA_ARGS__))))
#define FZ_FOR_EACH_R3_(...) FZ_FOR_EACH_R2_(FZ_FOR_EACH_R2_(FZ_FOR_EACH_R2_(FZ_FOR_EACH_R2_(__VA_ARGS__))))
#define FZ_FOR_EACH_R2_(...) FZ_FOR_EACH_R1_(FZ_FOR_EACH_R1_(FZ_FOR_EACH_R1_(FZ_FOR_EACH_R1_(__VA_ARGS__))))
#define FZ_FOR_EACH_R1_(...) FZ_FOR_EACH_R0_(FZ_FOR_EACH_R0_(FZ_FOR_EACH_R0_(FZ_FOR_EACH_R0_(__VA_ARGS__))))
#define FZ_FOR_EACH_R0_(...) __VA_ARGS__
