#include "common/base/case_fold.h"

#include "common/base/utf8.h"

namespace posthorn {

namespace {

// Blocks where capital and small letters alternate: even upper, odd lower
// (or the other way round when `odd_upper`).
struct AlternatingBlock {
  uint32_t first, last;
  bool odd_upper;
};

constexpr AlternatingBlock kAlternating[] = {
    {0x0100, 0x012f, false},  // Ā ā ... Į į
    {0x0132, 0x0137, false},  // Ĳ ĳ ... Ķ ķ
    {0x0139, 0x0148, true},   // Ĺ ĺ ... Ň ň
    {0x014a, 0x0177, false},  // Ŋ ŋ ... Ŷ ŷ
    {0x0179, 0x017e, true},   // Ź ź ... Ž ž
    {0x1e00, 0x1e95, false},  // Ḁ ḁ ... Ẕ ẕ
    {0x1ea0, 0x1eff, false},  // Ạ ạ ... Ỿ ỿ
};

// Blocks of capitals whose small letters are `offset` further on.
struct ShiftedBlock {
  uint32_t first, last, offset;
};

constexpr ShiftedBlock kShifted[] = {
    {0x00c0, 0x00d6, 32}, {0x00d8, 0x00de, 32},                        // Latin-1, not ×
    {0x0388, 0x038a, 37}, {0x038e, 0x038f, 63},                        // Greek with tonos
    {0x0391, 0x03a1, 32}, {0x03a3, 0x03ab, 32},                        // Greek
    {0x0400, 0x040f, 80}, {0x0410, 0x042f, 32},                        // Cyrillic
    {0xff21, 0xff3a, 32},                                              // fullwidth Latin
};

// Single code points that fold elsewhere.
struct Single {
  uint32_t from, to;
};

constexpr Single kSingles[] = {
    {0x00b5, 0x03bc},  // micro sign -> μ
    {0x0178, 0x00ff},  // Ÿ
    {0x017f, 's'},     // long s
    {0x0386, 0x03ac},  // Ά
    {0x038c, 0x03cc},  // Ό
    {0x03c2, 0x03c3},  // final sigma
    {0x1e9e, 0x00df},  // capital sharp s
    {0x212a, 'k'},     // Kelvin sign
    {0x212b, 0x00e5},  // Ångström sign
};

}  // namespace

uint32_t FoldCodePoint(uint32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
  for (const ShiftedBlock& b : kShifted)
    if (cp >= b.first && cp <= b.last) return cp + b.offset;
  for (const AlternatingBlock& b : kAlternating)
    if (cp >= b.first && cp <= b.last) return (cp % 2 == 1) == b.odd_upper ? cp + 1 : cp;
  for (const Single& s : kSingles)
    if (cp == s.from) return s.to;
  return cp;
}

std::string FoldCase(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      // The common case, a run of ASCII at a time: a body SEARCH folds
      // every message.
      size_t end = i;
      while (end < text.size() && static_cast<unsigned char>(text[end]) < 0x80) ++end;
      size_t at = out.size();
      out.resize(at + (end - i));
      for (char* o = out.data() + at; i < end; ++i, ++o) {
        char a = text[i];
        *o = a >= 'A' && a <= 'Z' ? static_cast<char>(a + 32) : a;
      }
      continue;
    }
    uint32_t cp = 0;
    if (NextCodePoint(text, &i, &cp) != Utf8Status::kOk) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    AppendUtf8(FoldCodePoint(cp), &out);
  }
  return out;
}

}  // namespace posthorn
