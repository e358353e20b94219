#include "common/maildir/find_tagged.h"

#include <cerrno>

#include "common/base/fs.h"
#include "common/maildir/unique_name.h"

namespace posthorn::maildir {

Result<std::optional<std::string>> FindTagged(const std::string& maildir, std::string_view tag) {
  // new/ first: a reader moves messages from new/ to cur/, never back, so
  // a message moved between the two reads is still found in cur/.
  for (const char* sub : {"/new", "/cur"}) {
    std::string dir = maildir + sub;
    Result<std::vector<std::string>> names = ListDir(dir);
    if (!names.ok()) {
      if (names.error().errnum == ENOENT) continue;
      return names.error();
    }
    for (const std::string& name : *names) {
      if (NameTag(name) == tag) return std::optional<std::string>(dir + "/" + name);
    }
  }
  return std::optional<std::string>();
}

}  // namespace posthorn::maildir
