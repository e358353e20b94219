#include "mda/targets.h"

#include <unistd.h>

#include <cerrno>

#include "common/aliases/resolve.h"
#include "common/base/strings.h"
#include "common/log/log.h"
#include "common/maildir/folder.h"
#include "common/maildir/location.h"

namespace posthorn::mda {

namespace {

// A configured aliases file that does not exist is an empty table: most
// sites have no aliases. One that exists but cannot be read is not.
Result<AliasFile> OpenAliases(const std::string& path) {
  if (path.empty() || (::access(path.c_str(), F_OK) != 0 && errno == ENOENT)) return AliasFile::Empty();
  return AliasFile::Open(path);
}

MaybeFailure PlanUser(const Options& options, const config::Config& config, std::vector<Target>* targets,
                      std::string* recipient) {
  Result<Address> address = ParseAddress(options.address, {.allow_utf8 = true});
  if (!address.ok()) return Failure{EX_NOUSER, "bad recipient address <" + options.address + ">: " + address.message()};
  *recipient = address->ToString();

  Result<auth::PasswdFile> passwd = auth::PasswdFile::Open(config.String("passwd"));
  if (!passwd.ok()) return Failure{EX_TEMPFAIL, passwd.message()};
  Result<AliasFile> aliases = OpenAliases(config.String("aliases"));
  if (!aliases.ok()) return Failure{EX_TEMPFAIL, aliases.message()};
  LocalDomains domains{config.List("domains")};
  for (std::string& d : domains.domains) d = AsciiLower(d);

  Result<Resolution> r = ResolveRecipient(*address, domains, *aliases, *passwd);
  if (!r.ok()) return Failure{EX_TEMPFAIL, r.message()};
  for (const Address& remote : r->remote) {
    log::Info("to=<%s>, orig_to=<%s>, status=skipped (remote alias target: mda delivers only local mail)",
              remote.ToString().c_str(), address->ToString().c_str());
  }
  if (r->local.empty()) {
    std::string why = r->remote.empty() ? r->unknown_reason : "alias has no local recipients";
    return Failure{EX_NOUSER, "unknown user <" + address->ToString() + ">: " + why};
  }
  for (const Address& user : r->local) {
    Result<std::string> maildir = maildir::ExpandTemplate(config.String("maildir"), user);
    if (!maildir.ok()) return Failure{EX_NOUSER, maildir.message()};
    Result<std::string> dir = maildir::FolderPath(*maildir, options.folder);
    if (!dir.ok()) return Failure{EX_USAGE, "bad folder name '" + options.folder + "': " + dir.message()};
    targets->push_back(Target{user.ToString(), *maildir, *dir, true});
  }
  return std::nullopt;
}

}  // namespace

MaybeFailure PlanTargets(const Options& options, const config::Config& config, std::vector<Target>* targets,
                         std::string* recipient) {
  if (!options.address.empty()) return PlanUser(options, config, targets, recipient);
  Result<std::string> dir = maildir::FolderPath(options.maildir, options.folder);
  if (!dir.ok()) return Failure{EX_USAGE, "bad folder name '" + options.folder + "': " + dir.message()};
  targets->push_back(Target{"", options.maildir, *dir, false});
  return std::nullopt;
}

}  // namespace posthorn::mda
