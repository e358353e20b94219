// A whole file mapped read-only: lookups in passwd and aliases scan it in
// place, so a program that needs one entry never parses the whole file,
// and a reopen (SIGHUP) is just a new mapping.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace posthorn {

class MappedFile {
 public:
  MappedFile() = default;  // empty
  // Maps `path`, which must be a regular file. The mapping outlives the
  // descriptor, so admins must replace such files by rename (as passwd
  // tools do), not rewrite them in place: a file shrinking under a live
  // mapping would raise SIGBUS.
  static Result<MappedFile> Open(const std::string& path);
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view data() const { return {data_, size_}; }

 private:
  void Unmap();
  const char* data_ = nullptr;
  size_t size_ = 0;
};

// Walks text line by line with memchr; lines come without "\n" or "\r\n".
class LineReader {
 public:
  explicit LineReader(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool Next(std::string_view* line);
  size_t number() const { return number_; }  // of the line last returned, from 1

 private:
  const char* p_;
  const char* end_;
  size_t number_ = 0;
};

}  // namespace posthorn
