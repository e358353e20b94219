#include "common/queue/flush.h"

#include <signal.h>

#include <cerrno>
#include <fstream>

namespace posthorn::queue {

Status RequestFlush(const std::string& state_dir) {
  std::string path = state_dir + "/smtpd.pid";
  std::ifstream f(path);
  long pid = 0;
  if (!(f >> pid) || pid <= 1) return Error{"no running smtpd (cannot read " + path + ")"};
  if (::kill(static_cast<pid_t>(pid), SIGUSR1) != 0) return SysError("cannot signal smtpd (pid " + std::to_string(pid) + ")", errno);
  return Status::Ok();
}

}  // namespace posthorn::queue
