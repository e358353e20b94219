// The authenticated state's mailbox commands (RFC 3501 §6.3, RFC 2342
// NAMESPACE). Mailbox names are taken as on the wire (modified UTF-7) and
// stored so (mailbox_list.h); every disk operation runs off the loop.
#include <cerrno>
#include <memory>

#include "common/imap/mutf7.h"
#include "common/imap/wire.h"
#include "mra/imapd/folder_ops.h"
#include "mra/imapd/mailbox_list.h"
#include "mra/imapd/session.h"
#include "mra/imapd/subscriptions.h"

namespace posthorn::imapd {

namespace {

// A mailbox argument: an astring that is valid modified UTF-7 (RFC 3501
// §5.1.3); "" and the reason when it is not.
std::string MailboxArg(const imap::Arg& arg, std::string* why) {
  std::optional<std::string_view> name = imap::AsAstring(arg);
  if (!name) {
    *why = "Mailbox name expected";
    return "";
  }
  if (Result<std::string> utf8 = imap::Mutf7ToUtf8(*name); !utf8.ok()) {
    *why = "Bad mailbox name: " + utf8.message();
    return "";
  }
  return std::string(*name);
}

// The response code for a folder operation's failure (RFC 5530).
std::string CodeFor(int errnum) {
  switch (errnum) {
    case EEXIST: return "[ALREADYEXISTS] ";
    case ENOENT: return "[NONEXISTENT] ";
    case EINVAL:
    case EPERM: return "[CANNOT] ";
    case ENOSPC:
    case EDQUOT: return "[OVERQUOTA] ";
    default: return "[SERVERBUG] ";
  }
}

}  // namespace

void Session::Namespace(const imap::Command& c) {
  if (!c.args.empty()) return Bad(c.tag, "NAMESPACE takes no arguments");
  // One personal namespace, no prefix, '.' between levels (RFC 2342).
  Send("* NAMESPACE ((\"\" \".\")) NIL NIL\r\n");
  Tagged(c.tag, "OK", "NAMESPACE completed");
}

void Session::List(const imap::Command& c) {
  bool lsub = c.name == "LSUB";
  std::optional<std::string_view> reference, pattern;
  if (c.args.size() == 2) {
    reference = imap::AsAstring(c.args[0]);
    // list-mailbox: an atom with % and * in it, or a string.
    if (c.args[1].kind == imap::Arg::Kind::kAtom || c.args[1].IsString()) pattern = c.args[1].text;
  }
  if (!reference || !pattern) return Bad(c.tag, c.name + " takes a reference and a mailbox pattern");
  std::string tag = c.tag, name = c.name;
  if (pattern->empty() && !lsub) {
    // RFC 3501 §6.3.8: an empty pattern asks for the separator and root.
    Send("* LIST (\\Noselect) \".\" \"\"\r\n");
    return Tagged(tag, "OK", "LIST completed");
  }
  std::string full = CombineListPattern(*reference, *pattern);
  auto out = std::make_shared<std::string>();
  auto error = std::make_shared<Status>();
  std::string maildir = maildir_;
  Wait();
  host_->Run(
      [=] {
        std::vector<ListEntry> entries;
        if (lsub) {
          Result<std::vector<std::string>> subs = ReadSubscriptions(maildir);
          if (!subs.ok()) return void(*error = subs.error());
          entries = LsubMatching(*subs, full);
        } else {
          Result<std::vector<std::string>> folders = ListFolderNames(maildir);
          if (!folders.ok()) return void(*error = folders.error());
          entries = ListMatching(*folders, full);
        }
        for (const ListEntry& e : entries) {
          std::string attrs;
          for (const std::string& a : e.attributes) attrs += (attrs.empty() ? "" : " ") + a;
          *out += "* " + name + " (" + attrs + ") \".\" " + imap::FormatAstring(e.name) + "\r\n";
        }
      },
      [this, out, error, tag, name] {
        if (!error->ok()) {
          host_->Log("user=<" + user_ + ">: " + name + ": " + error->message());
          Tagged(tag, "NO", "[SERVERBUG] Cannot list the mailboxes");
        } else {
          Send(*out);
          Tagged(tag, "OK", name + " completed");
        }
        Resume();
      });
}

void Session::FolderOp(const std::string& tag, std::string_view what, std::function<Status()> op) {
  auto result = std::make_shared<Status>();
  std::string name(what);
  Wait();
  host_->Run([result, op] { *result = op(); },
             [this, result, tag, name] {
               if (result->ok()) {
                 Tagged(tag, "OK", name + " completed");
               } else {
                 int e = result->errnum();
                 if (e != EEXIST && e != ENOENT && e != EINVAL && e != EPERM)
                   host_->Log("user=<" + user_ + ">: " + name + ": " + result->message());
                 Tagged(tag, "NO", CodeFor(e) + result->message());
               }
               Resume();
             });
}

void Session::Create(const imap::Command& c) {
  std::string why;
  std::string name = c.args.size() == 1 ? MailboxArg(c.args[0], &why) : "";
  if (name.empty()) return Bad(c.tag, why.empty() ? "CREATE takes a mailbox name" : why);
  std::string maildir = maildir_;
  FolderOp(c.tag, "CREATE", [maildir, name] { return CreateFolder(maildir, name); });
}

void Session::Delete(const imap::Command& c) {
  std::string why;
  std::string name = c.args.size() == 1 ? MailboxArg(c.args[0], &why) : "";
  if (name.empty()) return Bad(c.tag, why.empty() ? "DELETE takes a mailbox name" : why);
  std::string maildir = maildir_;
  FolderOp(c.tag, "DELETE", [maildir, name] { return DeleteFolder(maildir, name); });
}

void Session::Rename(const imap::Command& c) {
  std::string why;
  std::string from = c.args.size() == 2 ? MailboxArg(c.args[0], &why) : "";
  std::string to = c.args.size() == 2 && !from.empty() ? MailboxArg(c.args[1], &why) : "";
  if (from.empty() || to.empty()) return Bad(c.tag, why.empty() ? "RENAME takes two mailbox names" : why);
  std::string maildir = maildir_;
  FolderOp(c.tag, "RENAME", [maildir, from, to] { return RenameFolder(maildir, from, to); });
}

void Session::Subscribe(const imap::Command& c) {
  std::string why;
  std::string name = c.args.size() == 1 ? MailboxArg(c.args[0], &why) : "";
  if (name.empty()) return Bad(c.tag, why.empty() ? c.name + " takes a mailbox name" : why);
  bool subscribe = c.name == "SUBSCRIBE";
  std::string maildir = maildir_;
  FolderOp(c.tag, c.name, [maildir, name, subscribe] { return ChangeSubscription(maildir, name, subscribe); });
}

}  // namespace posthorn::imapd
