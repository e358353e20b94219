// Address lists as From, Sender, Reply-To, To, Cc and Bcc carry them (RFC
// 5322 §3.4, with the obsolete syntax of §4.4 that mail still has), in the
// shape IMAP's ENVELOPE wants (RFC 3501 §7.4.2): a flat list of mailboxes
// in which a group is a start marker, its members and an end marker.
//
// The parser salvages rather than rejects: a missing '>' or ';', a phrase
// in front of a bare addr-spec, a mailbox without a domain, stray specials,
// all give what can be made of them, and parsing goes on at the next ','.
// It takes the raw value, folded or not, and is linear in it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace posthorn::message {

struct AddressListLimits {
  // Entries (mailboxes and group markers) kept; the rest of the value is
  // not parsed (AddressList::truncated).
  size_t max_entries = 10000;
};

struct Mailbox {
  enum class Kind {
    kMailbox,
    kGroupStart,  // `name` and `decoded_name` are the group's display name
    kGroupEnd,    // nothing set
  };
  Kind kind = Kind::kMailbox;
  // The display name as IMAP's ENVELOPE sends it: the phrase's words with
  // quotes and comments gone and whitespace runs as one space (PhraseText()
  // in lex.h), encoded words as written. With no phrase, the text of a
  // comment after the address (`jdoe@example.org (John Doe)`). "" if none.
  std::string name;
  std::string decoded_name;  // `name` with RFC 2047 encoded words decoded to UTF-8
  // An obsolete source route (RFC 5322 §4.4 obs-route) without its ':',
  // e.g. "@a.example,@b.example"; "" if none.
  std::string route;
  // The local part, quoted strings unquoted (`"john doe"@x` gives
  // `john doe`) and CFWS dropped. Everything before the last '@' when
  // there is more than one.
  std::string local;
  // The domain as written, CFWS dropped; a domain literal keeps its
  // brackets. "" when the address has no '@' (`undisclosed-recipients`,
  // `root`): IMAP writes NIL there only for groups, so an ENVELOPE writer
  // has to put something in (UW-IMAP and Dovecot use ".MISSING-HOST-NAME.").
  std::string domain;
};

struct AddressList {
  std::vector<Mailbox> entries;
  bool broken = false;     // something had to be salvaged or skipped
  bool truncated = false;  // stopped at AddressListLimits::max_entries
};

// Parses an address-list (also fine for mailbox-list and a single mailbox).
// Start and end markers always pair up: an unterminated group is closed at
// the end of the value, and the entry limit keeps room for the end marker.
AddressList ParseAddressList(std::string_view value, const AddressListLimits& limits = {});

}  // namespace posthorn::message
