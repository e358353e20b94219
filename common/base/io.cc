#include "common/base/io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

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

}  // namespace posthorn
