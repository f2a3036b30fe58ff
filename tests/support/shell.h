// Runs a shell command from a test (an independent reader such as python-docx, a converter): its
// standard output, and its exit status in `status` (-1 when it could not run or was killed).
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace fazhi::testing {

inline std::string Shell(const std::string& command, int& status) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) {
    status = -1;
    return out;
  }
  char buf[8192];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  const int rc = ::pclose(p);
  status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

}  // namespace fazhi::testing
