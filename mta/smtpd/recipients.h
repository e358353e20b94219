// Who smtpd accepts mail for: the local domains, the aliases and the
// passwd users (contract 2), looked up in the mapped files at RCPT time.
// Reopened on SIGHUP; the lookups are scans of a mapping, no parse.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/aliases/resolve.h"
#include "common/base/result.h"
#include "mta/smtpd/session.h"

namespace posthorn::smtpd {

class RecipientDirectory {
 public:
  // A missing aliases file is an empty table; a missing passwd is an error.
  static Result<std::unique_ptr<RecipientDirectory>> Open(const Settings& settings);

  // kRemote for other domains; for local ones kLocal when aliases or
  // passwd know the address, else kUnknownLocal.
  RecipientClass Classify(const Address& rcpt) const;
  bool IsLocalDomain(const std::string& domain) const { return domains_.IsLocal(domain); }
  const auth::PasswdFile& passwd() const { return passwd_; }

  RecipientDirectory(LocalDomains d, AliasFile a, auth::PasswdFile p)
      : domains_(std::move(d)), aliases_(std::move(a)), passwd_(std::move(p)) {}

 private:
  LocalDomains domains_;
  AliasFile aliases_;
  auth::PasswdFile passwd_;
};

}  // namespace posthorn::smtpd
