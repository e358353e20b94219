// A session's side of imap::Parser for the tests: feeds pieces, answers
// continuation requests, and writes what happened as one line per event so
// tests compare whole transcripts:
//
//   "a1 FETCH 1:* (FLAGS BODY[HEADER.FIELDS (FROM)])"  a command
//   "+ a2 LOGIN {5}"                                 a continuation request
//   "BAD a3: Line too long"                          an error, line skipped
//   "BYE a4: Literal too large"                      an error, close
//
// Quoted strings are shown quoted with \" and \\ escaped, literals as
// {n}octets, NIL as NIL(as sent).
#pragma once

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "common/imap/parser.h"

namespace posthorn::imap::testing {

inline std::string Describe(const Arg& arg) {
  switch (arg.kind) {
    case Arg::Kind::kAtom:
      return arg.text;
    case Arg::Kind::kNil:
      return "NIL(" + arg.text + ")";
    case Arg::Kind::kQuoted: {
      std::string out = "\"";
      for (char c : arg.text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      return out + "\"";
    }
    case Arg::Kind::kLiteral:
      return "{" + std::to_string(arg.text.size()) + "}" + arg.text;
    case Arg::Kind::kList: {
      std::string out = "(";
      for (size_t i = 0; i < arg.list.size(); ++i) out += (i ? " " : "") + Describe(arg.list[i]);
      return out + ")";
    }
  }
  return "?";
}

inline std::string Describe(const Command& c) {
  std::string out = c.tag + " " + c.name;
  for (const Arg& a : c.args) out += " " + Describe(a);
  return out;
}

struct Run {
  std::vector<std::string> events;
  size_t left = 0;  // octets the parser did not take at the end (after a close)
};

// Feeds `pieces` in order, as a session does: keeps what the parser did
// not consume, and answers each continuation request at once (or refuses
// it when `refuse` is set).
inline Run Feed(const std::vector<std::string>& pieces, const Limits& limits = Limits(), bool refuse = false) {
  Parser parser(limits);
  Run run;
  std::string buffer;
  for (const std::string& piece : pieces) {
    buffer += piece;
    for (;;) {
      Event e = parser.Feed(buffer);
      EXPECT_LE(e.consumed, buffer.size());
      buffer.erase(0, e.consumed);
      if (e.kind == Event::Kind::kNeedMore) {
        EXPECT_TRUE(buffer.empty());
        break;
      }
      if (e.kind == Event::Kind::kCommand) {
        run.events.push_back(Describe(e.command));
      } else if (e.kind == Event::Kind::kContinuation) {
        run.events.push_back("+ " + e.command.tag + " " + e.command.name + " {" + std::to_string(e.literal_size) + "}");
        if (refuse) {
          parser.RefuseLiteral();
        } else {
          parser.ContinuationSent();
        }
      } else {
        bool close = e.recovery == Event::Recovery::kClose;
        run.events.push_back((close ? "BYE " : "BAD ") + e.command.tag + ": " + e.error);
        if (close) {
          // From now on the parser repeats itself and takes nothing.
          Event again = parser.Feed(buffer);
          EXPECT_EQ(again.kind, Event::Kind::kError);
          EXPECT_EQ(again.consumed, 0u);
          run.left = buffer.size();
          return run;
        }
      }
    }
  }
  return run;
}

inline std::vector<std::string> Split(const std::string& s, size_t step) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size(); i += step) out.push_back(s.substr(i, step));
  return out;
}

// The events for `stream` fed whole, checked to be the same when it comes
// one octet at a time, in pieces of 2 to 7, and in random pieces.
inline std::vector<std::string> Events(const std::string& stream, const Limits& limits = Limits(),
                                       bool refuse = false) {
  std::vector<std::string> whole = Feed({stream}, limits, refuse).events;
  for (size_t step = 1; step <= 7; ++step) {
    EXPECT_EQ(Feed(Split(stream, step), limits, refuse).events, whole) << "pieces of " << step;
  }
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    std::vector<std::string> pieces;
    for (size_t i = 0; i < stream.size();) {
      size_t len = 1 + rng() % 13;
      pieces.push_back(stream.substr(i, len));
      i += len;
    }
    EXPECT_EQ(Feed(pieces, limits, refuse).events, whole) << "random round " << round;
  }
  return whole;
}

using V = std::vector<std::string>;

}  // namespace posthorn::imap::testing
