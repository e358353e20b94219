#include "mta/smtpd/recipients.h"

#include <unistd.h>

#include <cerrno>

namespace posthorn::smtpd {

Result<std::unique_ptr<RecipientDirectory>> RecipientDirectory::Open(const Settings& s) {
  Result<auth::PasswdFile> passwd = auth::PasswdFile::Open(s.passwd);
  if (!passwd.ok()) return passwd.error();
  AliasFile aliases = AliasFile::Empty();
  if (!s.aliases.empty() && !(::access(s.aliases.c_str(), F_OK) != 0 && errno == ENOENT)) {
    Result<AliasFile> a = AliasFile::Open(s.aliases);
    if (!a.ok()) return a.error();
    aliases = std::move(a).value();
  }
  // smtpd decides relaying by domain, so with no `domains` configured the
  // host name is the one local domain (as Postfix's mydestination).
  LocalDomains domains{s.domains};
  if (domains.domains.empty()) domains.domains.push_back(s.hostname);
  return std::make_unique<RecipientDirectory>(std::move(domains), std::move(aliases), std::move(passwd).value());
}

RecipientClass RecipientDirectory::Classify(const Address& rcpt) const {
  if (!domains_.IsLocal(rcpt.domain)) return RecipientClass::kRemote;
  Result<Resolution> r = ResolveRecipient(rcpt, domains_, aliases_, passwd_);
  if (r.ok() && (!r->local.empty() || !r->remote.empty())) return RecipientClass::kLocal;
  return RecipientClass::kUnknownLocal;
}

}  // namespace posthorn::smtpd
