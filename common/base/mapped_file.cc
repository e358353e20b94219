#include "common/base/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "common/base/unique_fd.h"

namespace posthorn {

Result<MappedFile> MappedFile::Open(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return SysError(path, errno);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return SysError(path, errno);
  if (!S_ISREG(st.st_mode)) return Error{path + ": not a regular file"};
  MappedFile file;
  if (st.st_size == 0) return file;  // mmap refuses length 0; empty is fine
  void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (p == MAP_FAILED) return SysError(path + ": mmap", errno);
  file.data_ = static_cast<const char*>(p);
  file.size_ = static_cast<size_t>(st.st_size);
  return file;
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    Unmap();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

MappedFile::~MappedFile() { Unmap(); }

void MappedFile::Unmap() {
  if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
  data_ = nullptr;
  size_ = 0;
}

bool LineReader::Next(std::string_view* line) {
  if (p_ == end_) return false;
  const char* nl = static_cast<const char*>(std::memchr(p_, '\n', static_cast<size_t>(end_ - p_)));
  const char* stop = nl ? nl : end_;
  *line = std::string_view(p_, static_cast<size_t>(stop - p_));
  if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
  p_ = nl ? nl + 1 : end_;
  ++number_;
  return true;
}

}  // namespace posthorn
