#include "common/log/log.h"

#include <syslog.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>

namespace posthorn::log {

namespace {

const char* g_program = "posthorn";
bool g_stderr = false;

void Emit(int priority, const char* level, const char* format, va_list args) {
  char line[2048];
  std::vsnprintf(line, sizeof line, format, args);
  // Log lines carry peer-controlled text: never let it forge a new line.
  for (char* p = line; *p != '\0'; ++p)
    if (*p == '\n' || *p == '\r') *p = ' ';
  if (g_stderr) {
    std::fprintf(stderr, "%s[%d]: %s%s\n", g_program, static_cast<int>(::getpid()), level, line);
  } else {
    ::syslog(priority, "%s%s", level, line);
  }
}

}  // namespace

void Init(const char* program, bool to_stderr) {
  g_program = program;
  g_stderr = to_stderr;
  if (!to_stderr) ::openlog(program, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

#define POSTHORN_LOG_FN(name, priority, level) \
  void name(const char* format, ...) {         \
    va_list args;                              \
    va_start(args, format);                    \
    Emit(priority, level, format, args);       \
    va_end(args);                              \
  }

POSTHORN_LOG_FN(Info, LOG_INFO, "")
POSTHORN_LOG_FN(Warning, LOG_WARNING, "warning: ")
POSTHORN_LOG_FN(Error, LOG_ERR, "error: ")

#undef POSTHORN_LOG_FN

}  // namespace posthorn::log
