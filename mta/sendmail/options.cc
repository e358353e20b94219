#include "mta/sendmail/options.h"

namespace posthorn::sendmail {

Result<Options> ParseOptions(const std::string& program, const std::vector<std::string>& args) {
  Options o;
  if (program == "mailq") o.mode = Mode::kListQueue;
  size_t i = 0;
  // An option's value: attached (-fuser) or the next argument (-f user).
  auto value = [&](const std::string& a, const char* name) -> Result<std::string> {
    if (a.size() > 2) return a.substr(2);
    if (i + 1 >= args.size()) return Error{std::string("option ") + name + " needs a value"};
    return args[++i];
  };
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;
    char opt = a[1];
    if (opt == 't' && a.size() == 2) o.recipients_from_headers = true;
    else if ((opt == 'i' && a.size() == 2) || a == "-oi") o.ignore_dots = true;
    else if (opt == 'f' || opt == 'r') {
      Result<std::string> v = value(a, "-f");
      if (!v.ok()) return v.error();
      o.sender = *v;
    } else if (opt == 'F') {
      Result<std::string> v = value(a, "-F");
      if (!v.ok()) return v.error();
      o.full_name = *v;
    } else if (opt == 'C') {
      Result<std::string> v = value(a, "-C");
      if (!v.ok()) return v.error();
      o.config_path = *v;
    } else if (a == "-bp") o.mode = Mode::kListQueue;
    else if (a == "-bm") {
      // deliver mail: what we do anyway
    } else if (a == "-bs") {
      return Error{"-bs (SMTP on standard input) is not supported; talk SMTP to smtpd"};
    } else if (opt == 'q') o.mode = Mode::kFlush;
    else if (opt == 'o' || opt == 'B' || opt == 'N' || opt == 'R' || opt == 'V' || opt == 'X') {
      // -oX... -B8BITMIME -N... -R... -V... -X...: sendmail options we ignore.
      if (a.size() == 2 && (opt == 'B' || opt == 'N' || opt == 'R' || opt == 'V' || opt == 'X') && i + 1 < args.size()) ++i;
    } else if (a == "-v" || a == "-m" || a == "-n" || a == "-U" || a == "-G") {
      // verbose, "me too", no aliasing, initial submission: nothing to do
    } else {
      return Error{"unknown option " + a};
    }
  }
  for (; i < args.size(); ++i) o.recipients.push_back(args[i]);
  if (o.mode == Mode::kSend && !o.recipients_from_headers && o.recipients.empty())
    return Error{"no recipients given (and no -t)"};
  return o;
}

}  // namespace posthorn::sendmail
