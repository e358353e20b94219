// Logging, DESIGN.md contract 6: syslog facility mail, one line per event,
// Postfix-like (`smtpd[812]: 5D3A9C0F12: from=<a@x.org>, size=2311`). With
// `to_stderr` (a daemon's -f, or tests) the same lines go to stderr with
// the program name and pid in front, as syslog would show them.
#pragma once

namespace posthorn::log {

void Init(const char* program, bool to_stderr);

void Info(const char* format, ...) __attribute__((format(printf, 1, 2)));
void Warning(const char* format, ...) __attribute__((format(printf, 1, 2)));
void Error(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace posthorn::log
