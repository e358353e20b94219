// An index from names to their positions in a list the caller keeps, for
// lists of 100,000 names and more (a Maildir folder's uidlist): one flat
// array of (hash, position) slots searched by linear probing, where
// std::unordered_map would allocate a node per name and chase a pointer to
// it on every lookup. The names are not copied: `name_at(position)` gives
// them back when a hash matches.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace posthorn {

class ViewIndex {
 public:
  size_t size() const { return size_; }
  void Clear() {
    slots_.clear();
    size_ = 0;
  }
  // Room for `n` names without growing.
  void Reserve(size_t n) {
    if (n * 2 > slots_.size()) Rehash(n * 2);
  }

  // The position of `name`, if indexed.
  template <typename NameAt>
  std::optional<uint32_t> Find(std::string_view name, const NameAt& name_at) const {
    if (slots_.empty()) return std::nullopt;
    uint32_t h = Hash(name);
    for (size_t i = h & mask();; i = (i + 1) & mask()) {
      const Slot& s = slots_[i];
      if (s.position == kEmpty) return std::nullopt;
      if (s.hash == h && name_at(s.position) == name) return s.position;
    }
  }

  // Indexes `name` at `position`; a name indexed already moves there (the
  // last of a list's repeats wins, as with a map's operator[]).
  template <typename NameAt>
  void Insert(std::string_view name, uint32_t position, const NameAt& name_at) {
    if ((size_ + 1) * 2 > slots_.size()) Rehash(std::max<size_t>(16, slots_.size() * 2));
    uint32_t h = Hash(name);
    for (size_t i = h & mask();; i = (i + 1) & mask()) {
      Slot& s = slots_[i];
      if (s.position == kEmpty) {
        s = Slot{h, position};
        ++size_;
        return;
      }
      if (s.hash == h && name_at(s.position) == name) {
        s.position = position;
        return;
      }
    }
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    uint32_t hash = 0;
    uint32_t position = kEmpty;
  };
  static uint32_t Hash(std::string_view name) {
    size_t h = std::hash<std::string_view>{}(name);
    return static_cast<uint32_t>(h ^ (h >> 32));
  }
  size_t mask() const { return slots_.size() - 1; }
  // To at least `want` slots, a power of two; the hashes are kept, so no
  // name is looked at.
  void Rehash(size_t want) {
    size_t n = 16;
    while (n < want) n *= 2;
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(n, Slot{});
    for (const Slot& s : old) {
      if (s.position == kEmpty) continue;
      size_t i = s.hash & mask();
      while (slots_[i].position != kEmpty) i = (i + 1) & mask();
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace posthorn
