#include "common/base/result.h"

#include <cstring>

namespace posthorn {

Error SysError(const std::string& what, int errnum) {
  return Error{what + ": " + std::strerror(errnum), errnum};
}

}  // namespace posthorn
