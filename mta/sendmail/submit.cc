#include "mta/sendmail/submit.h"

#include <pwd.h>
#include <sysexits.h>
#include <unistd.h>

#include <ctime>

#include "common/address/address.h"
#include "common/base/strings.h"
#include "common/maildir/unique_name.h"
#include "common/queue/disk_space.h"
#include "common/queue/maildrop.h"
#include "common/message/date.h"

namespace posthorn::sendmail {

namespace {

constexpr size_t kMaxHeader = 1 << 20;

int Fail(int code, const std::string& why) {
  std::fprintf(stderr, "sendmail: %s\n", why.c_str());
  return code;
}

std::string LoginName() {
  struct passwd* pw = ::getpwuid(::getuid());
  return pw ? pw->pw_name : "uid" + std::to_string(::getuid());
}

// Reads one line (with its LF); false at EOF.
bool ReadLine(FILE* in, std::string* line) {
  line->clear();
  int c;
  while ((c = std::fgetc(in)) != EOF) {
    line->push_back(static_cast<char>(c));
    if (c == '\n') return true;
  }
  return !line->empty();
}

bool IsDotLine(const std::string& line) { return line == ".\n" || line == ".\r\n" || line == "."; }

// The header fields, unfolded, as (name, value) in order.
std::vector<std::pair<std::string, std::string>> Fields(const std::string& header) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (pos < header.size()) {
    size_t nl = header.find('\n', pos);
    std::string line = header.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? header.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if ((line[0] == ' ' || line[0] == '\t') && !out.empty()) {
      out.back().second += " " + std::string(Trim(line));
    } else if (size_t colon = line.find(':'); colon != std::string::npos) {
      out.emplace_back(AsciiLower(Trim(line.substr(0, colon))), std::string(Trim(line.substr(colon + 1))));
    }
  }
  return out;
}

// The header without its Bcc: fields (RFC 5322 §3.6.3: blind copies).
std::string WithoutBcc(const std::string& header) {
  std::string out;
  bool dropping = false;
  size_t pos = 0;
  while (pos < header.size()) {
    size_t nl = header.find('\n', pos);
    size_t end = nl == std::string::npos ? header.size() : nl + 1;
    std::string_view line(header.data() + pos, end - pos);
    bool continuation = line[0] == ' ' || line[0] == '\t';
    if (!continuation) dropping = StartsWithIgnoreCase(line, "bcc:");
    if (!dropping) out.append(line);
    pos = end;
  }
  return out;
}

}  // namespace

std::vector<std::string> AddressesIn(std::string_view value) {
  std::vector<std::string> out;
  std::string cur, angle;
  bool quoted = false, in_angle = false, has_angle = false;
  int comment = 0;
  auto flush = [&] {
    std::string a = has_angle ? angle : std::string(Trim(cur));
    if (!a.empty()) out.push_back(a);
    cur.clear();
    angle.clear();
    has_angle = false;
  };
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (quoted) {
      if (c == '\\' && i + 1 < value.size()) cur += value[++i];
      else if (c == '"') quoted = false;
      else cur += c;
      if (in_angle) angle += c;
      continue;
    }
    if (comment > 0) {
      if (c == '(') ++comment;
      else if (c == ')') --comment;
      continue;
    }
    if (c == '(') ++comment;
    else if (c == '"') quoted = true;
    else if (c == '<') in_angle = has_angle = true, angle.clear();
    else if (c == '>') in_angle = false;
    else if (in_angle) angle += c;
    else if (c == ':') cur.clear();  // group name "friends: a, b;"
    else if (c == ',' || c == ';') flush();
    else cur += c;
  }
  flush();
  return out;
}

int Submit(const Options& o, const config::Config& config, FILE* in) {
  std::string hostname = config::HostName(config);
  // Bare user names (`sendmail root`, cron's MAILTO) and the default
  // sender are qualified with the first local domain, so they stay local.
  std::vector<std::string> domains = config.List("domains");
  std::string origin = domains.empty() ? hostname : domains[0];
  // Read the header first: -t takes recipients from it, and missing From:,
  // Date: and Message-ID: are added as for any locally submitted mail.
  std::string header, line;
  bool eof = true;
  while (ReadLine(in, &line)) {
    if (!o.ignore_dots && IsDotLine(line)) break;
    if (line == "\n" || line == "\r\n") {
      eof = false;
      break;
    }
    if (header.empty() && line.rfind("From ", 0) == 0) continue;  // an mbox From_ line
    header += line;
    if (header.size() > kMaxHeader) return Fail(EX_DATAERR, "message header larger than 1 MiB");
  }
  if (!header.empty() && header.back() != '\n') header += '\n';
  auto fields = Fields(header);
  auto has = [&](const char* name) {
    for (auto& f : fields)
      if (f.first == name) return true;
    return false;
  };

  queue::DropEnvelope env;
  std::string user = LoginName();
  std::string sender_text = o.sender ? *o.sender : user + "@" + origin;
  if (!sender_text.empty() && sender_text != "<>") {
    Result<Address> s = ParseAddress(sender_text, {.allow_utf8 = true});
    if (!s.ok()) return Fail(EX_USAGE, "bad sender address '" + sender_text + "': " + s.message());
    env.sender = *s;
  }
  std::vector<std::string> rcpts = o.recipients;
  if (o.recipients_from_headers) {
    for (auto& [name, value] : fields) {
      if (name == "to" || name == "cc" || name == "bcc")
        for (std::string& a : AddressesIn(value)) rcpts.push_back(a);
    }
  }
  for (const std::string& r : rcpts) {
    std::string text = r.find('@') == std::string::npos ? r + "@" + origin : r;  // a local user name
    Result<Address> a = ParseAddress(text, {.allow_utf8 = true});
    if (!a.ok()) return Fail(EX_DATAERR, "bad recipient address '" + r + "': " + a.message());
    env.recipients.push_back(*a);
  }
  if (env.recipients.empty()) return Fail(EX_USAGE, "no recipients");

  std::string added;
  if (!has("from")) {
    std::string name = o.full_name;
    added += "From: " + (name.empty() ? "" : "\"" + name + "\" ") + "<" + env.sender.ToString() + ">\n";
  }
  if (!has("date")) added += "Date: " + Rfc5322Date(time(nullptr)) + "\n";
  if (!has("message-id")) added += "Message-ID: <" + maildir::NewUniqueName() + "@" + hostname + ">\n";

  Result<queue::DropWriter> w = queue::DropWriter::Create(config.String("state_dir"), env);
  if (!w.ok()) return Fail(EX_TEMPFAIL, w.message());
  Status s = w->Write(added + WithoutBcc(header) + (eof ? "" : "\n"));
  uint64_t size = header.size();
  uint64_t max = config.Size("max_message_size");
  if (!eof) {
    while (s.ok() && ReadLine(in, &line)) {
      if (!o.ignore_dots && IsDotLine(line)) break;
      size += line.size();
      if (max > 0 && size > max) return Fail(EX_DATAERR, "message is larger than max_message_size");
      s = w->Write(line);
    }
  }
  if (s.ok() && std::ferror(in)) return Fail(EX_IOERR, "cannot read the message");
  if (!s.ok()) return Fail(queue::IsNoSpace(s) ? EX_TEMPFAIL : EX_IOERR, s.message());
  Result<std::string> name = w->Commit();
  if (!name.ok()) return Fail(EX_TEMPFAIL, name.message());
  return 0;
}

}  // namespace posthorn::sendmail
