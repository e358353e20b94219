#include "mda/run.h"

#include <sys/prctl.h>
#include <sysexits.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>

#include "common/address/address.h"
#include "common/base/privileges.h"
#include "common/base/strings.h"
#include "common/config/config.h"
#include "common/log/log.h"
#include "common/maildir/location.h"
#include "mda/deliver.h"
#include "mda/options.h"
#include "mda/targets.h"

namespace posthorn::mda {

namespace {

// -f: "", "<>" and MAILER-DAEMON are the null sender; anything else must
// be an address, since it goes into a header.
Result<std::string> ParseSender(const std::string& text) {
  if (text.empty() || text == "<>" || EqualsIgnoreCase(text, "MAILER-DAEMON")) return std::string();
  Result<Address> a = ParseAddress(text, {.allow_utf8 = true});
  if (!a.ok()) return Error{"bad sender address '" + text + "': " + a.message()};
  return a->ToString();
}

std::string Recipient(const Options& o, const Target& t) {
  std::string out = "to=<" + (t.address.empty() ? o.maildir : t.address) + ">";
  if (!o.address.empty() && !EqualsIgnoreCase(o.address, t.address)) out += ", orig_to=<" + o.address + ">";
  return out;
}

Outcome Fail(const Options& o, const std::vector<Target>& targets, const Failure& f) {
  const char* status = f.exit_code == EX_TEMPFAIL ? "deferred" : "bounced";
  std::string who = "to=<" + (o.address.empty() ? o.maildir : o.address) + ">";
  if (targets.size() == 1) who = Recipient(o, targets[0]);
  log::Info("%s, status=%s (%s)", who.c_str(), status, f.why.c_str());
  return Outcome{f.exit_code, f.why, true};
}

// Under smtpd (POSTHORN_SMTPD_PID), mda dies with it: an mda left running
// by a killed smtpd could finish a delivery the next smtpd is already
// repeating. Set after the switch to `user`, which clears it.
MaybeFailure FollowParent() {
  const char* pid = std::getenv("POSTHORN_SMTPD_PID");
  if (pid == nullptr) return std::nullopt;
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (std::to_string(::getppid()) != pid)
    return Failure{EX_TEMPFAIL, std::string("smtpd (pid ") + pid + ") is gone; its next run delivers the message"};
  return std::nullopt;
}

}  // namespace

Outcome Run(int argc, char** argv) {
  Result<Options> options = ParseOptions(argc, argv);
  if (!options.ok()) return Outcome{EX_USAGE, options.message(), false, true};
  const Options& o = *options;

  // A config mda cannot read defers the mail rather than bouncing it: the
  // admin fixes the file and the queue retries.
  Result<config::Config> config = config::Config::LoadFor(o.config_path, config::kMda);
  if (!config.ok()) return Outcome{EX_TEMPFAIL, config.message()};

  DeliveryRequest request;
  if (o.sender) {
    Result<std::string> sender = ParseSender(*o.sender);
    if (!sender.ok()) return Outcome{EX_USAGE, sender.message()};
    request.sender = *sender;
  }
  // -d delivers for the mail system, as its user; -m delivers for whoever
  // runs it, into the Maildir they named.
  if (!o.address.empty()) {
    if (Status s = SwitchToUser(config->String("user")); !s.ok()) return Outcome{EX_TEMPFAIL, s.message()};
    const std::string& pattern = config->String("maildir");
    if (std::string why = maildir::CheckTemplate(pattern); !why.empty())
      return Outcome{EX_TEMPFAIL, config->Where("maildir") + ": " + why};
    request.max_delivered_to = config->Count("max_delivered_to");
  }
  request.max_message_size = config->Size("max_message_size");
  request.delivery_id = o.delivery_id;
  const char* again = std::getenv("POSTHORN_REDELIVERY");
  request.redelivery = again != nullptr && std::string(again) == "1";
  if (MaybeFailure f = FollowParent()) return Outcome{f->exit_code, f->why};

  std::vector<Target> targets;
  if (MaybeFailure f = PlanTargets(o, *config, &targets, &request.delivered_to)) return Fail(o, targets, *f);
  Delivered delivered;
  if (MaybeFailure f = Deliver(request, targets, &delivered)) return Fail(o, targets, *f);
  std::string earlier;
  for (size_t i = 0; i < targets.size(); ++i) {
    if (delivered.earlier[i]) {
      log::Info("%s, status=sent (already delivered to %s)", Recipient(o, targets[i]).c_str(), delivered.paths[i].c_str());
      earlier += (earlier.empty() ? "" : ", ") + delivered.paths[i];
      continue;
    }
    log::Info("%s, size=%llu, status=sent (delivered to %s)", Recipient(o, targets[i]).c_str(),
              static_cast<unsigned long long>(delivered.size), delivered.paths[i].c_str());
  }
  if (std::count(delivered.earlier.begin(), delivered.earlier.end(), true) == static_cast<long>(targets.size()))
    return Outcome{0, "already delivered to " + earlier};
  return Outcome{0, ""};
}

}  // namespace posthorn::mda
