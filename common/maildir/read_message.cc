#include "common/maildir/read_message.h"

#include <sys/stat.h>

#include <cerrno>

#include "common/base/io.h"
#include "common/maildir/flags.h"
#include "common/maildir/scan.h"

namespace posthorn::maildir {

Result<StoredMessage> ReadMessage(const std::string& dir, const std::string& file, bool header_only) {
  StoredMessage m;
  m.file = file;
  struct stat st;
  // Two tries, as ChangeFlags makes: the name known, then the one a listing
  // finds; a message renamed again in between reads as a passing failure.
  for (int attempt = 0; attempt < 2; ++attempt) {
    Status read = header_only ? ReadOwnFileHead(dir + "/" + m.file, &m.bytes, &st)
                              : ReadOwnFile(dir + "/" + m.file, &m.bytes, &st);
    if (read.ok()) {
      m.mtime = st.st_mtime;
      return m;
    }
    if (read.errnum() != ENOENT) return read.error();
    std::string_view name = std::string_view(m.file).substr(m.file.find('/') + 1);
    Result<std::string> located = LocateMessage(dir, BaseName(name));
    if (!located.ok()) return located.error();
    if (located->empty()) return Error{"message " + std::string(BaseName(name)) + " is gone", ENOENT};
    m.file = *located;
  }
  return Error{"message " + file + " keeps being renamed", EAGAIN};
}

}  // namespace posthorn::maildir
