#include "mra/imapd/flag_names.h"

#include "common/base/strings.h"
#include "common/maildir/keywords.h"

namespace posthorn::imapd {

namespace {

struct SystemFlag {
  const char* name;
  bool maildir::Flags::*field;
};

// In the order FETCH shows them.
constexpr SystemFlag kSystem[] = {
    {"\\Seen", &maildir::Flags::seen},       {"\\Answered", &maildir::Flags::replied},
    {"\\Flagged", &maildir::Flags::flagged}, {"\\Deleted", &maildir::Flags::trashed},
    {"\\Draft", &maildir::Flags::draft},
};

}  // namespace

std::string FormatFlags(const maildir::Flags& flags, const std::vector<std::string>& keywords, bool recent) {
  std::string out = "(";
  auto add = [&out](std::string_view f) {
    if (out.size() > 1) out += ' ';
    out += f;
  };
  for (const SystemFlag& f : kSystem)
    if (flags.*f.field) add(f.name);
  // $Forwarded is how clients record a forward; Maildir's P (passed) is
  // the same thing, so a message mutt marked passed shows it too.
  bool forwarded_keyword = false;
  for (size_t i = 0; i < keywords.size() && i < 26; ++i) {
    if (!(flags.keywords & (1u << i))) continue;
    add(keywords[i]);
    forwarded_keyword = forwarded_keyword || EqualsIgnoreCase(keywords[i], "$Forwarded");
  }
  if (flags.passed && !forwarded_keyword) add("$Forwarded");
  if (recent) add("\\Recent");
  return out + ")";
}

std::string FlagsList(const std::vector<std::string>& keywords) {
  std::string out = "(\\Answered \\Flagged \\Deleted \\Seen \\Draft";
  for (const std::string& k : keywords) out += " " + k;
  return out + ")";
}

std::string PermanentFlagsList(const std::vector<std::string>& keywords) {
  std::string out = FlagsList(keywords);
  out.pop_back();
  if (keywords.size() < maildir::kMaxKeywords) out += " \\*";
  return out + ")";
}

Status ParseFlagNames(const std::vector<std::string>& names, maildir::Flags* system, std::vector<std::string>* keywords) {
  for (const std::string& n : names) {
    if (n.starts_with("\\")) {
      bool known = false;
      for (const SystemFlag& f : kSystem) {
        if (!EqualsIgnoreCase(n, f.name)) continue;
        system->*f.field = true;
        known = true;
      }
      if (!known) return Error{"cannot set flag " + n};
      continue;
    }
    if (std::string why = maildir::CheckKeyword(n); !why.empty()) return Error{why + ": " + n};
    keywords->push_back(n);
  }
  return Status::Ok();
}

}  // namespace posthorn::imapd
