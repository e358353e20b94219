// Shared by the SMTP command parser's tests: a parse as the reply text a
// refusal would send, or as the Command a success gives.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "common/smtp/command.h"

namespace posthorn::smtp::testing {

// The refusal as "code enhanced text", or "OK" so a wrong success shows.
inline std::string Refusal(std::string_view line, bool smtputf8_allowed = false) {
  auto r = ParseCommand(line, smtputf8_allowed);
  if (std::holds_alternative<Command>(r)) return "OK";
  const Reply& reply = std::get<ParseError>(r).reply;
  EXPECT_FALSE(reply.enhanced.empty());
  EXPECT_FALSE(reply.text.empty());
  return std::to_string(reply.code) + " " + reply.enhanced + " " + reply.text;
}

inline Command Parsed(std::string_view line, bool smtputf8_allowed = false) {
  auto r = ParseCommand(line, smtputf8_allowed);
  if (auto* e = std::get_if<ParseError>(&r)) {
    ADD_FAILURE() << "`" << line << "`: " << Brief(e->reply);
    return Command{Verb::kNoop};
  }
  return std::get<Command>(r);
}

}  // namespace posthorn::smtp::testing
