#include "mra/imapd/mailbox_list.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "common/base/fs.h"
#include "common/base/strings.h"
#include "common/maildir/folder.h"

namespace posthorn::imapd {

namespace {

bool IsInbox(std::string_view name) { return EqualsIgnoreCase(name, "INBOX"); }

// RFC 6154: the folders every Maildir gets (common/maildir/folder.h).
std::string SpecialUse(std::string_view name) {
  for (std::string_view special : maildir::kSpecialFolders)
    if (name == special) return "\\" + std::string(special);
  return "";
}

}  // namespace

bool MatchListPattern(std::string_view pattern, std::string_view name) {
  std::string upper;
  if (IsInbox(name)) {
    upper.assign(pattern);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    pattern = upper;
    name = "INBOX";
  }
  // can[j]: pattern[0..i) matches name[0..j). Rows replace each other, so
  // the cost is |pattern| x |name| steps and |name| memory whatever the
  // wildcards.
  std::vector<char> can(name.size() + 1, 0), next(name.size() + 1, 0);
  can[0] = 1;
  for (char p : pattern) {
    std::fill(next.begin(), next.end(), 0);
    for (size_t j = 0; j <= name.size(); ++j) {
      if (p == '*' || p == '%') {
        // Extend the wildcard: carried from the left, or started here.
        bool carry = j > 0 && next[j - 1] && (p == '*' || name[j - 1] != kSeparator);
        next[j] = can[j] || carry;
      } else if (j > 0 && can[j - 1] && name[j - 1] == p) {
        next[j] = 1;
      }
    }
    can.swap(next);
  }
  return can[name.size()];
}

std::string CombineListPattern(std::string_view reference, std::string_view pattern) {
  return std::string(reference) + std::string(pattern);
}

std::vector<ListEntry> ListMatching(const std::vector<std::string>& folders, std::string_view pattern) {
  // name -> exists (false: only implied by a child)
  std::map<std::string, bool> names;
  for (const std::string& f : folders) {
    names[f] = true;
    for (size_t dot = f.find(kSeparator); dot != std::string::npos; dot = f.find(kSeparator, dot + 1))
      names.emplace(f.substr(0, dot), false);
  }
  std::vector<ListEntry> out;
  if (MatchListPattern(pattern, "INBOX")) {
    // Folders under INBOX are the Maildir's `.INBOX.x`, in any case.
    bool children = std::any_of(names.begin(), names.end(), [](const auto& n) {
      return n.first.size() > 6 && n.first[5] == kSeparator && IsInbox(std::string_view(n.first).substr(0, 5));
    });
    out.push_back({"INBOX", {children ? "\\HasChildren" : "\\HasNoChildren"}});
  }
  for (const auto& [name, exists] : names) {
    if (IsInbox(name) || !MatchListPattern(pattern, name)) continue;
    // "a-b" sorts between "a" and "a.b", so look for the prefix itself.
    std::string prefix = name + kSeparator;
    auto child = names.lower_bound(prefix);
    bool children = child != names.end() && child->first.compare(0, prefix.size(), prefix) == 0;
    ListEntry e{name, {}};
    if (!exists) e.attributes.push_back("\\Noselect");
    e.attributes.push_back(children ? "\\HasChildren" : "\\HasNoChildren");
    if (std::string use = SpecialUse(name); !use.empty() && exists) e.attributes.push_back(use);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<ListEntry> LsubMatching(const std::vector<std::string>& subscribed, std::string_view pattern) {
  // In the order of the subscriptions; a parent where its first child is.
  std::vector<ListEntry> out;
  std::map<std::string, size_t> at;
  auto add = [&](const std::string& name, bool own) {
    auto [it, added] = at.emplace(name, out.size());
    if (added) out.push_back({name, {}});
    std::vector<std::string>& attrs = out[it->second].attributes;
    // A parent subscribed in its own right is listed plainly.
    if (own) attrs.clear();
    else if (added) attrs.push_back("\\Noselect");
  };
  for (const std::string& s : subscribed) {
    if (MatchListPattern(pattern, s)) {
      add(s, true);
      continue;
    }
    for (size_t dot = s.find(kSeparator); dot != std::string::npos; dot = s.find(kSeparator, dot + 1)) {
      std::string parent = s.substr(0, dot);
      if (MatchListPattern(pattern, parent)) add(parent, false);
    }
  }
  return out;
}

Result<std::vector<std::string>> ListFolderNames(const std::string& maildir) {
  Result<std::vector<std::string>> entries = ListDir(maildir);
  if (!entries.ok()) return entries.error();
  std::vector<std::string> out;
  for (const std::string& e : *entries) {
    if (e.size() < 2 || e[0] != '.' || e == "..") continue;
    std::string name = e.substr(1);
    if (!maildir::CheckFolderName(name).empty()) continue;
    if (maildir::IsMaildir(maildir + "/" + e)) out.push_back(std::move(name));
  }
  return out;
}

}  // namespace posthorn::imapd
