#include "common/aliases/resolve.h"

#include <map>
#include <optional>
#include <set>
#include <utility>

#include "common/base/strings.h"

namespace posthorn {

bool LocalDomains::IsLocal(std::string_view domain) const {
  if (domains.empty()) return true;
  for (const std::string& d : domains)
    if (EqualsIgnoreCase(d, domain)) return true;
  return false;
}

namespace {

// True when `target` has no domain: no '@' after its quoted local part.
bool IsBareLocalPart(std::string_view target) {
  size_t at = target.rfind('@');
  size_t quote = target.rfind('"');
  return at == std::string_view::npos || (quote != std::string_view::npos && at < quote);
}

// One depth-first expansion. `path_` holds the alias keys being expanded
// right now: meeting one again is a loop (or the `bob: bob, backup@x`
// idiom, where the inner `bob` means the user, not the alias).
class Resolver {
 public:
  Resolver(const LocalDomains& domains, const AliasFile& aliases, const auth::PasswdFile& passwd)
      : domains_(domains), aliases_(aliases), passwd_(passwd) {}

  void Expand(const Address& a, int depth);
  Resolution Finish();

 private:
  void ExpandAlias(const Address& a, const std::string& key, const std::vector<std::string>& targets, int depth);
  void AddUser(const Address& a, const std::string& key, bool looped);
  void AddRemote(const Address& a);

  const LocalDomains& domains_;
  const AliasFile& aliases_;
  const auth::PasswdFile& passwd_;
  Resolution out_;
  std::vector<std::string> path_;
  // The shallowest depth each alias was expanded at. Expanding it again at
  // the same depth or deeper can only repeat results, and skipping that
  // keeps a wide alias graph (lists of lists) from growing exponentially.
  std::map<std::string, int> expanded_;
  std::set<std::string> local_keys_, remote_keys_, users_tried_;
  bool no_user_ = false, loop_ = false, too_deep_ = false, no_targets_ = false;
};

void Resolver::Expand(const Address& a, int depth) {
  if (depth > kMaxAliasDepth) {
    too_deep_ = true;
    return;
  }
  if (!a.domain.empty() && !domains_.IsLocal(a.domain)) {
    AddRemote(a);
    return;
  }
  // Only `<postmaster>` (RFC 5321 §4.1.1.3) comes without a domain; its
  // Key() is the local part alone, which is how it is looked up.
  std::string key = a.Key();
  bool on_path = false;
  for (const std::string& k : path_) on_path |= (k == key);
  if (!on_path) {
    // A full-address entry beats a local-part one: `sales@a.example`
    // may differ from a `sales` that serves every other domain.
    std::optional<std::vector<std::string>> targets = aliases_.Find(key);
    if (!targets && !a.domain.empty()) targets = aliases_.Find(AsciiLower(a.local));
    if (targets) {
      ExpandAlias(a, key, *targets, depth);
      return;
    }
  }
  AddUser(a, key, on_path);
}

void Resolver::ExpandAlias(const Address& a, const std::string& key, const std::vector<std::string>& targets,
                           int depth) {
  auto [it, fresh] = expanded_.emplace(key, depth);
  if (!fresh) {
    if (it->second <= depth) return;
    it->second = depth;
  }
  // A bare target takes the domain of the address that named it. Only
  // `<postmaster>` has none; it borrows the first local domain.
  std::string domain = a.domain;
  if (domain.empty() && !domains_.domains.empty()) domain = domains_.domains.front();
  AddressOptions options;
  options.allow_utf8 = true;
  bool any = false;
  path_.push_back(key);
  for (const std::string& t : targets) {
    std::string text = t;
    if (IsBareLocalPart(t)) {
      if (domain.empty()) continue;
      text += "@" + domain;
    }
    Result<Address> target = ParseAddress(text, options);
    if (!target.ok()) continue;  // Problems() is where admins hear about it
    any = true;
    Expand(*target, depth + 1);
  }
  path_.pop_back();
  if (!any) no_targets_ = true;
}

void Resolver::AddUser(const Address& a, const std::string& key, bool looped) {
  if (local_keys_.count(key)) return;        // already delivered to
  if (!users_tried_.insert(key).second) return;  // each passwd scan once
  std::optional<auth::PasswdFile::Entry> entry = passwd_.Find(key);
  if (!entry) {
    // A loop that ends on no user is the loop's fault, not a typo's.
    (looped ? loop_ : no_user_) = true;
    return;
  }
  // Deliver to the spelling the admin wrote in passwd: it names the Maildir.
  AddressOptions options;
  options.allow_utf8 = true;
  Result<Address> parsed = ParseAddress(entry->address, options);
  Address user = parsed.ok() ? std::move(parsed).value() : a;
  user.domain = AsciiLower(user.domain);
  if (local_keys_.insert(user.Key()).second) out_.local.push_back(std::move(user));
  local_keys_.insert(key);
}

void Resolver::AddRemote(const Address& a) {
  if (remote_keys_.insert(a.Key()).second) out_.remote.push_back(a);
}

Resolution Resolver::Finish() {
  if (out_.local.empty() && out_.remote.empty()) {
    if (too_deep_)
      out_.unknown_reason = "alias expansion too deep";
    else if (loop_)
      out_.unknown_reason = "alias loop";
    else if (no_user_)
      out_.unknown_reason = "no such user";
    else if (no_targets_)
      out_.unknown_reason = "alias has no deliverable targets";
    else
      out_.unknown_reason = "no such user";
  }
  return std::move(out_);
}

}  // namespace

Result<Resolution> ResolveRecipient(const Address& recipient, const LocalDomains& domains,
                                    const AliasFile& aliases, const auth::PasswdFile& passwd) {
  if (!recipient.domain.empty() && !domains.IsLocal(recipient.domain)) {
    Resolution r;
    r.unknown_reason = "domain is not local";
    return r;
  }
  Resolver resolver(domains, aliases, passwd);
  resolver.Expand(recipient, 0);
  return resolver.Finish();
}

}  // namespace posthorn
