// Base64 (RFC 4648 §4), strict on decode: SASL (RFC 4954, RFC 4616) and
// MIME hand us base64 from the network, and a lenient decoder is a way to
// smuggle bytes past checks.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace posthorn {

std::string Base64Encode(std::string_view in);
// nullopt on any character outside the alphabet, bad padding or a length
// that is not a multiple of 4. "" decodes to "".
std::optional<std::string> Base64Decode(std::string_view in);
// As MIME bodies need it (RFC 2045 §6.8): characters outside the alphabet
// (line breaks above all) are ignored, decoding stops at the first '=',
// and a last incomplete group gives the whole octets it holds. Never
// fails; only for reading text, never for checking it.
std::string Base64DecodeLenient(std::string_view in);

}  // namespace posthorn
