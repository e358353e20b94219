// sendmail(1)'s command line, as scripts, cron and PHP's mail() use it:
// `sendmail [-t] [-i|-oi] [-f SENDER] [-F NAME] [-bp] [-q] [RCPT...]`.
// Old sendmail options that make no sense here (-odi, -oem, -v, ...) are
// accepted and ignored, as Postfix does, so existing scripts keep working.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/base/result.h"

namespace posthorn::sendmail {

enum class Mode { kSend, kListQueue, kFlush };

struct Options {
  Mode mode = Mode::kSend;
  bool recipients_from_headers = false;  // -t
  bool ignore_dots = false;              // -i, -oi: a lone "." does not end input
  std::optional<std::string> sender;     // -f, -r
  std::string full_name;                 // -F
  std::string config_path;               // -C
  std::vector<std::string> recipients;
};

// `program` is argv[0]'s base name: "mailq" means -bp.
Result<Options> ParseOptions(const std::string& program, const std::vector<std::string>& args);

}  // namespace posthorn::sendmail
