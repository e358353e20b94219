// Whole-buffer I/O on descriptors: retries EINTR and short transfers.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <string>
#include <string_view>

#include "common/base/result.h"

namespace posthorn {

// Writes all of `data`; false with errno set on failure.
bool WriteAll(int fd, std::string_view data);
// Writes every byte of `iov` (modified in place as it goes).
bool WriteAllV(int fd, struct iovec* iov, int count);
// Reads up to `len` bytes, retrying EINTR; returns what read(2) returns.
ssize_t ReadSome(int fd, char* buf, size_t len);
// Reads a whole file into `out` (appended); with `info`, also its stat.
// ReadFile follows symlinks (configuration may be linked into /etc);
// ReadOwnFile does not (ELOOP), for files inside a mail store that only
// Posthorn and other MDAs write, where a link would be someone's trick.
Status ReadFile(const std::string& path, std::string* out, struct stat* info = nullptr);
Status ReadOwnFile(const std::string& path, std::string* out, struct stat* info = nullptr);
// As ReadOwnFile, up to and including the first empty line (LF LF or
// CRLF CRLF): a message's header.
Status ReadOwnFileHead(const std::string& path, std::string* out, struct stat* info = nullptr);

}  // namespace posthorn
