// Case-insensitive comparison of UTF-8 text, as IMAP SEARCH needs it (RFC
// 3501 §6.4.4: "case-insensitive"; RFC 9051 §6.4.4 leaves the details to
// the server's comparator).
//
// FoldCase applies Unicode simple case folding (CaseFolding.txt, status C
// and S) to the blocks where mail in European languages needs it: ASCII,
// Latin-1, Latin Extended-A, Latin Extended Additional (Vietnamese and
// Welsh), Greek, basic Cyrillic, the Kelvin and Ångström signs and
// fullwidth Latin letters. Other characters, and bytes that are not UTF-8,
// are kept as they are, so folded text is still comparable byte for byte.
// Full folding (ß to "ss") and Turkic dotted I are not done: neither
// changes the length of text in simple folding, which keeps substring
// search a plain byte search.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace posthorn {

// The folded form of one code point.
uint32_t FoldCodePoint(uint32_t cp);

// `text` with every code point folded; invalid UTF-8 copied as it is.
std::string FoldCase(std::string_view text);

}  // namespace posthorn
