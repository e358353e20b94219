// Errors as values. A Result<T> holds either a T or an Error; Status is a
// Result with no value. Nothing here throws, so these cross C callbacks.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace posthorn {

struct Error {
  std::string message;
  int errnum = 0;  // the errno behind a system-call failure, else 0
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit on purpose
  Result(Error error) : v_(std::move(error)) {}     // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  // So that std::move(*Make()) moves rather than copies.
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }
  const std::string& message() const { return error().message; }
  int errnum() const { return error().errnum; }

 private:
  std::variant<T, Error> v_;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error.message)), errnum_(error.errnum), failed_(true) {}  // NOLINT

  static Status Ok() { return Status(); }
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const std::string& message() const { return error_; }
  int errnum() const { return errnum_; }
  Error error() const { return Error{error_, errnum_}; }

 private:
  std::string error_;
  int errnum_ = 0;
  bool failed_ = false;
};

// "what: strerror(errno)" — the one clear line an admin reads.
Error SysError(const std::string& what, int errnum);

}  // namespace posthorn
