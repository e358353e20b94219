// IMAP command input comes straight from the peer: whatever the bytes and
// however they are cut, the parser never takes more than it was given,
// always makes progress, hands over only commands that keep the grammar's
// promises (valid tag, upper-case name, limits kept, no NUL in a literal,
// no CR/LF/NUL in a quoted string), answers the same for every
// packetisation, and errors are one line. Strings found in commands also
// exercise the modified UTF-7, sequence-set and wire helpers.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/imap/chars.h"
#include "common/imap/mutf7.h"
#include "common/imap/parser.h"
#include "common/imap/sequence_set.h"
#include "common/imap/wire.h"

namespace {

using namespace posthorn::imap;

void Check(bool ok) {
  if (!ok) std::abort();
}

Limits SmallLimits() {
  Limits l;
  l.max_line = 48;
  l.max_literal = 16;
  l.max_append_literal = 64;
  l.max_command = 128;
  l.max_append_command = 256;
  l.max_depth = 4;
  l.max_args = 12;
  l.max_discard = 32;
  return l;
}

// Modified UTF-7 is canonical: a name that decodes is exactly what its
// decoding encodes to, and every UTF-8 name comes back from a round trip.
void CheckMutf7(std::string_view s) {
  if (auto utf8 = Mutf7ToUtf8(s)) {
    auto again = Utf8ToMutf7(*utf8);
    Check(again.ok() && *again == s);
  }
  if (auto mutf7 = Utf8ToMutf7(s)) {
    for (char c : *mutf7) Check(c >= 0x20 && c <= 0x7e);
    auto back = Mutf7ToUtf8(*mutf7);
    Check(back.ok() && *back == s);
  }
}

void CheckSequenceSet(std::string_view s) {
  auto set = SequenceSet::Parse(s);
  if (!set) return;
  for (uint32_t max : {0u, 1u, 7u, 4294967295u}) {
    std::vector<SequenceRange> ranges = set->Resolve(max);
    for (size_t i = 0; i < ranges.size(); ++i) {
      Check(ranges[i].first >= 1 && ranges[i].first <= ranges[i].last && ranges[i].last <= max);
      if (i > 0) Check(uint64_t{ranges[i - 1].last} + 1 < ranges[i].first);
      Check(set->Contains(ranges[i].first, max) && set->Contains(ranges[i].last, max));
    }
  }
}

// `s` as the server would write it, read back by a parser as one argument.
void CheckWire(const std::string& s) {
  if (s.find('\0') != std::string::npos) return;  // no form carries NUL
  Parser parser;
  std::string input = "a X " + FormatAstring(s) + " " + FormatNstring(s) + "\r\n";
  Event e = parser.Feed(input);
  if (e.kind == Event::Kind::kContinuation) {
    parser.ContinuationSent();
    input.erase(0, e.consumed);
    e = parser.Feed(input);
    if (e.kind == Event::Kind::kContinuation) {
      parser.ContinuationSent();
      input.erase(0, e.consumed);
      e = parser.Feed(input);
    }
  }
  if (s.size() > Limits().max_literal) return;
  Check(e.kind == Event::Kind::kCommand && e.command.args.size() == 2);
  for (const Arg& a : e.command.args) Check(a.kind != Arg::Kind::kNil && AsAstring(a) == s);
}

void CheckArgs(const std::vector<Arg>& args, const Limits& limits, size_t depth, size_t* count, bool deep) {
  Check(depth <= limits.max_depth);
  for (const Arg& a : args) {
    ++*count;
    switch (a.kind) {
      case Arg::Kind::kAtom:
      case Arg::Kind::kNil:
        Check(!a.text.empty());
        for (char c : a.text) Check(!IsCtl(c) && !Is8Bit(c));
        Check((a.kind == Arg::Kind::kNil) == (a.text.size() == 3 && (a.text[0] | 0x20) == 'n' &&
                                              (a.text[1] | 0x20) == 'i' && (a.text[2] | 0x20) == 'l'));
        if (deep) CheckSequenceSet(a.text);
        break;
      case Arg::Kind::kQuoted:
        for (char c : a.text) Check(c != '\0' && c != '\r' && c != '\n' && !Is8Bit(c));
        if (deep) CheckWire(a.text);
        break;
      case Arg::Kind::kLiteral:
        Check(a.text.find('\0') == std::string::npos);
        Check(a.text.size() <= std::max(limits.max_literal, limits.max_append_literal));
        break;
      case Arg::Kind::kList:
        Check(a.text.empty());
        CheckArgs(a.list, limits, depth + 1, count, deep);
        break;
    }
    if (deep && a.kind != Arg::Kind::kList) CheckMutf7(a.text);
  }
}

// Feeds `input` in pieces (all at once when `whole`, else 1-8 octets sized
// by the input itself) and returns a transcript of the events.
std::string Session(std::string_view input, const Limits& limits, bool whole, bool deep) {
  Parser parser(limits);
  std::string transcript;
  std::string buffer;
  size_t pos = 0, step = 1, fed = 0, taken = 0, continuations = 0;
  while (pos < input.size()) {
    size_t n = whole ? input.size() : std::min(step, input.size() - pos);
    buffer.append(input.substr(pos, n));
    pos += n;
    fed += n;
    step = (static_cast<unsigned char>(input[pos - 1]) % 8) + 1;
    for (;;) {
      Event e = parser.Feed(buffer);
      Check(e.consumed <= buffer.size());
      buffer.erase(0, e.consumed);
      taken += e.consumed;
      Check(taken <= fed);
      if (e.kind == Event::Kind::kNeedMore) {
        Check(buffer.empty());
        break;
      }
      Check(e.consumed > 0);  // every event is news: nothing repeats here
      const Command& c = e.command;
      Check(c.tag.empty() || IsTag(c.tag));
      for (char ch : c.name) Check(IsAtomChar(ch) && !(ch >= 'a' && ch <= 'z'));
      if (e.kind == Event::Kind::kCommand) {
        Check(IsTag(c.tag) && !c.name.empty());
        size_t count = 0;
        CheckArgs(c.args, limits, 0, &count, deep);
        Check(count <= limits.max_args);
        transcript += "C " + c.tag + " " + c.name + " " + std::to_string(count) + "\n";
      } else if (e.kind == Event::Kind::kContinuation) {
        Check(IsTag(c.tag) && !c.name.empty() && c.args.empty());
        Check(e.literal_size <= std::max(limits.max_literal, limits.max_append_literal));
        Check(parser.waiting_for_continuation());
        // The same request until it is answered, and nothing consumed.
        Event again = parser.Feed(buffer);
        Check(again.kind == Event::Kind::kContinuation && again.consumed == 0);
        if (++continuations % 3 == 0) {
          parser.RefuseLiteral();
        } else {
          parser.ContinuationSent();
        }
        Check(!parser.waiting_for_continuation());
        transcript += "+ " + std::to_string(e.literal_size) + "\n";
      } else {
        Check(!e.error.empty() && e.error.find_first_of("\r\n") == std::string::npos);
        transcript += "E " + c.tag + " " + e.error + "\n";
        if (e.recovery == Event::Recovery::kClose) {
          Event again = parser.Feed(buffer);
          Check(again.kind == Event::Kind::kError && again.consumed == 0);
          return transcript;
        }
      }
    }
  }
  return transcript;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const Limits& limits : {Limits(), SmallLimits()}) {
    std::string whole = Session(input, limits, true, true);
    // Cut differently, the same events: splitting must never change meaning.
    if (Session(input, limits, false, false) != whole) std::abort();
  }
  return 0;
}
