#include "common/base/io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

#include "common/base/unique_fd.h"

namespace posthorn {

bool WriteAll(int fd, std::string_view data) {
  struct iovec iov = {const_cast<char*>(data.data()), data.size()};
  return WriteAllV(fd, &iov, 1);
}

bool WriteAllV(int fd, struct iovec* iov, int count) {
  while (count > 0) {
    if (iov->iov_len == 0) {
      ++iov;
      --count;
      continue;
    }
    ssize_t n = ::writev(fd, iov, count);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    size_t left = static_cast<size_t>(n);
    while (count > 0 && left >= iov->iov_len) {
      left -= iov->iov_len;
      ++iov;
      --count;
    }
    if (count > 0) {
      iov->iov_base = static_cast<char*>(iov->iov_base) + left;
      iov->iov_len -= left;
    }
  }
  return true;
}

ssize_t ReadSome(int fd, char* buf, size_t len) {
  for (;;) {
    ssize_t n = ::read(fd, buf, len);
    if (n < 0 && errno == EINTR) continue;
    return n;
  }
}

namespace {

Status ReadWhole(const std::string& path, int flags, std::string* out, struct stat* info) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | flags));
  if (!fd.valid()) return SysError("cannot open " + path, errno);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return SysError("cannot stat " + path, errno);
  if (info) *info = st;
  // Read straight into the string: one copy fewer on imapd's FETCH path.
  // One byte over the size, so a file read whole ends at the first 0.
  const size_t start = out->size();
  size_t at = start;
  out->resize(at + (st.st_size > 0 ? static_cast<size_t>(st.st_size) + 1 : 65536));
  for (;;) {
    if (at == out->size()) out->resize(at + 65536);  // it grew meanwhile
    size_t room = out->size() - at;
    ssize_t n = ReadSome(fd.get(), out->data() + at, room);
    if (n < 0) {
      out->resize(start);
      return SysError("cannot read " + path, errno);
    }
    at += static_cast<size_t>(n);
    if (n == 0) {
      out->resize(at);
      return Status::Ok();
    }
  }
}

}  // namespace

Status ReadFile(const std::string& path, std::string* out, struct stat* info) { return ReadWhole(path, 0, out, info); }

Status ReadOwnFile(const std::string& path, std::string* out, struct stat* info) {
  return ReadWhole(path, O_NOFOLLOW, out, info);
}

Status ReadOwnFileHead(const std::string& path, std::string* out, struct stat* info) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return SysError("cannot open " + path, errno);
  if (info && ::fstat(fd.get(), info) != 0) return SysError("cannot stat " + path, errno);
  const size_t start = out->size();
  constexpr size_t kChunk = 8192;
  for (;;) {
    size_t at = out->size();
    out->resize(at + kChunk);
    ssize_t n = ReadSome(fd.get(), out->data() + at, kChunk);
    if (n < 0) {
      out->resize(start);
      return SysError("cannot read " + path, errno);
    }
    out->resize(at + static_cast<size_t>(n));
    // Look from a little before this chunk: the blank line may straddle.
    std::string_view text = std::string_view(*out).substr(start);
    size_t from = at - start >= 3 ? at - start - 3 : 0;
    size_t lf = text.find("\n\n", from), crlf = text.find("\r\n\r\n", from);
    size_t end = std::min(lf == std::string_view::npos ? lf : lf + 2, crlf == std::string_view::npos ? crlf : crlf + 4);
    if (text.starts_with("\n")) end = 1;  // no header at all
    if (text.starts_with("\r\n")) end = 2;
    if (end != std::string_view::npos) {
      out->resize(start + end);
      return Status::Ok();
    }
    if (n == 0) return Status::Ok();
  }
}

}  // namespace posthorn
