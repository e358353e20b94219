#include "mda/options.h"

#include <getopt.h>

#include "common/maildir/unique_name.h"

namespace posthorn::mda {

Result<Options> ParseOptions(int argc, char** argv) {
  Options o;
  ::optind = 1;
  ::opterr = 0;
  int c;
  // '+': stop at the first operand, as POSIX getopt does.
  while ((c = ::getopt(argc, argv, "+c:d:m:f:F:i:")) != -1) {
    switch (c) {
      case 'c': o.config_path = ::optarg; break;
      case 'd': o.address = ::optarg; break;
      case 'm': o.maildir = ::optarg; break;
      case 'f': o.sender = ::optarg; break;
      case 'F': o.folder = ::optarg; break;
      case 'i': o.delivery_id = ::optarg; break;
      default:
        return Error{std::string("unknown option or missing argument: -") + static_cast<char>(::optopt)};
    }
  }
  if (::optind < argc) return Error{std::string("unexpected argument: ") + argv[::optind]};
  if (o.address.empty() == o.maildir.empty()) return Error{"give exactly one of -d ADDRESS and -m MAILDIR"};
  if (!o.delivery_id.empty() && !maildir::IsDeliveryTag(o.delivery_id))
    return Error{"bad delivery ID '" + o.delivery_id + "': use 1 to 64 letters, digits, '-' and '_'"};
  return o;
}

}  // namespace posthorn::mda
