#include "mra/imapd/subscriptions.h"

#include <algorithm>
#include <cerrno>

#include "common/base/file_lock.h"
#include "common/base/fs.h"
#include "common/base/io.h"

namespace posthorn::imapd {

namespace {

std::string PathIn(const std::string& maildir) { return maildir + "/" + kSubscriptionsName; }

}  // namespace

Result<std::vector<std::string>> ReadSubscriptions(const std::string& maildir) {
  std::string text;
  Status s = ReadOwnFile(PathIn(maildir), &text);
  if (!s.ok()) return s.errnum() == ENOENT ? Result<std::vector<std::string>>(std::vector<std::string>{}) : s.error();
  std::vector<std::string> names;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t lf = text.find('\n', pos);
    if (lf == std::string::npos) lf = text.size();
    if (lf > pos) names.push_back(text.substr(pos, lf - pos));
    pos = lf + 1;
  }
  return names;
}

Status ChangeSubscription(const std::string& maildir, const std::string& name, bool subscribe) {
  if (name.empty() || name.find_first_of("\r\n") != std::string::npos) return Error{"bad mailbox name"};
  Result<FileLock> lock = FileLock::Acquire(PathIn(maildir) + ".lock");
  if (!lock.ok()) return lock.error();
  Result<std::vector<std::string>> names = ReadSubscriptions(maildir);
  if (!names.ok()) return names.error();
  auto it = std::find(names->begin(), names->end(), name);
  if (subscribe == (it != names->end())) return Status::Ok();
  if (subscribe) names->push_back(name);
  else names->erase(it);
  std::string text;
  for (const std::string& n : *names) text += n + "\n";
  return ReplaceFile(PathIn(maildir), text);
}

}  // namespace posthorn::imapd
