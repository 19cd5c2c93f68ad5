// The transport protocol of a published port, a port mapping or a probe target: one type
// for every layer (api, nft, portmap, checks, probe), so only parsing meets the words.
// Its words are "tcp" and "udp" everywhere: in check files, on the probe's command line,
// in `docker run -p` and in nft. Header-only (the static probe uses it too).
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include <fmt/format.h>

namespace nc {

enum class Proto : uint8_t { kTcp, kUdp };

constexpr std::string_view proto_name(Proto p) { return p == Proto::kTcp ? "tcp" : "udp"; }

// "tcp" / "udp" (exactly; no other spelling), else nullopt: the caller names the bad text.
constexpr std::optional<Proto> parse_proto(std::string_view word) {
  if (word == "tcp") return Proto::kTcp;
  if (word == "udp") return Proto::kUdp;
  return std::nullopt;
}

// IPPROTO_TCP / IPPROTO_UDP.
constexpr uint8_t ip_proto(Proto p) { return p == Proto::kTcp ? IPPROTO_TCP : IPPROTO_UDP; }

}  // namespace nc

// Formats as its word ("tcp"), so messages and -p texts need no conversion.
template <>
struct fmt::formatter<nc::Proto> : fmt::formatter<std::string_view> {
  auto format(nc::Proto p, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(nc::proto_name(p), ctx);
  }
};
