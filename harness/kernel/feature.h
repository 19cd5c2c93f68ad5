// One kernel feature as `netconform kernel` reports it: a plain value, std only, so the
// report model can carry it without linking the probe.
#pragma once

#include <string>

namespace nc::kernel {

struct Feature {
  std::string name;      // "veth", "ipvlan", ... (the names checks list under `requires:`)
  bool available = false;
  std::string detail;    // why it is missing, or what was seen when present
  bool operator==(const Feature&) const = default;
};

}  // namespace nc::kernel
